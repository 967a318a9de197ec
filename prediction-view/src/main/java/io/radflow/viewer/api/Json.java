package io.radflow.viewer.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.json.PredictionJson;
import io.radflow.viewer.view.PredictionView;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What the predictions API returns. Predictions are exactly what {@code ./radflow predictions}
 * prints ({@link PredictionJson}), plus {@code superseded} and {@code supersededByJobId}; times are
 * ISO-8601 UTC.
 */
final class Json {

    private final ObjectMapper mapper;

    Json(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    ObjectNode summary(PredictionView.Study s) {
        ObjectNode o = mapper.createObjectNode();
        o.put("studyUid", s.studyUid());
        o.put("project", s.projectId());
        modalities(o, s.instances());
        o.put("seriesCount", s.instances().stream().map(DataUploaded::getSeriesInstanceUid).distinct().count());
        o.put("instanceCount", s.instances().size());
        ObjectNode counts = o.putObject("predictionCounts");
        countByModel(s.current(), p -> true).forEach(counts::put);
        ObjectNode states = o.putObject("jobStates");
        Map<String, Integer> byState = new TreeMap<>();
        for (InferenceJob j : s.jobs()) {
            if (!s.supersededBy().containsKey(j.getJobId())) {
                byState.merge(state(s.statuses().get(j.getJobId())), 1, Integer::sum);
            }
        }
        byState.forEach(states::put);
        o.put("lastUpdate", s.lastUpdate().toString());
        return o;
    }

    ObjectNode study(PredictionView.Study s, PredictionView view) {
        ObjectNode o = summary(s);
        List<Prediction> current = s.current();
        ArrayNode series = o.putArray("series");
        ObjectNode currentSeries = null;
        String currentUid = null;
        for (DataUploaded d : s.instances()) {
            if (!d.getSeriesInstanceUid().equals(currentUid)) {
                currentUid = d.getSeriesInstanceUid();
                currentSeries = series.addObject();
                currentSeries.put("seriesUid", currentUid);
                currentSeries.put("modality", d.getModality());
                currentSeries.put("description", d.getSeriesDescription());
                String uid = currentUid;
                currentSeries.set("predictions", predictionSummary(current,
                        p -> uid.equals(p.getSeriesInstanceUid()) && p.getSopInstanceUid() == null));
                currentSeries.putArray("instances");
            }
            ObjectNode i = ((ArrayNode) currentSeries.get("instances")).addObject();
            i.put("sopUid", d.getSopInstanceUid());
            i.put("sopClassUid", d.getSopClassUid());
            if (d.getInstanceNumber() == null) {
                i.putNull("instanceNumber");
            } else {
                i.put("instanceNumber", d.getInstanceNumber());
            }
            i.put("frames", d.getNumberOfFrames());
            i.put("hasPixelData", d.getHasPixelData() == null || d.getHasPixelData());
            i.put("uploadedAt", s.uploadedAt().get(d.getSopInstanceUid()).toString());
            i.set("predictions", predictionSummary(current, p -> d.getSopInstanceUid().equals(p.getSopInstanceUid())));
        }
        o.set("predictions", predictionSummary(current, p -> p.getSeriesInstanceUid() == null && p.getSopInstanceUid() == null));
        ArrayNode jobs = o.putArray("jobs");
        for (InferenceJob j : s.jobs()) {
            ObjectNode x = jobs.addObject();
            JobStatus st = s.statuses().get(j.getJobId());
            x.put("jobId", j.getJobId());
            x.put("modelId", j.getModelId());
            x.put("modelName", view.model(j.getModelId()).map(ModelSettings::getName).orElse(j.getModelId()));
            x.put("modelVersion", j.getModelVersion());
            x.put("scope", j.getScope().name());
            x.put("scopeUid", j.getScopeUid());
            x.put("revision", j.getRevision());
            x.put("supersedesJobId", j.getSupersedesJobId());
            x.put("state", state(st));
            x.put("predictionCount", st == null ? 0 : st.getPredictionCount());
            x.put("reason", st == null ? null : st.getReason());
            x.put("message", st == null ? null : st.getMessage());
            x.put("updatedAt", st == null ? j.getCreatedAt().toString() : st.getUpdatedAt().toString());
            x.put("superseded", s.supersededBy().containsKey(j.getJobId()));
            x.put("supersededByJobId", s.supersededBy().get(j.getJobId()));
        }
        o.set("models", models(s.predictions(), view));
        return o;
    }

    ObjectNode predictions(PredictionView.Study s, List<Prediction> predictions, boolean history, PredictionView view) {
        ObjectNode o = mapper.createObjectNode();
        o.put("studyUid", s.studyUid());
        o.put("project", s.projectId());
        o.put("history", history);
        ArrayNode list = o.putArray("predictions");
        for (Prediction p : predictions) {
            ObjectNode x = PredictionJson.toJson(p);
            x.put("superseded", s.superseded(p));
            x.put("supersededByJobId", s.supersededBy().get(p.getJobId()));
            list.add(x);
        }
        o.set("models", models(predictions, view));
        return o;
    }

    /** Names and label classes of the models behind these predictions, for legends. */
    private ObjectNode models(List<Prediction> predictions, PredictionView view) {
        ObjectNode o = mapper.createObjectNode();
        Set<String> ids = new LinkedHashSet<>();
        predictions.forEach(p -> ids.add(p.getModelId()));
        for (String id : ids) {
            ObjectNode m = o.putObject(id);
            ModelSettings settings = view.model(id).orElse(null);
            m.put("name", settings == null ? id : settings.getName());
            ObjectNode versions = m.putObject("versions");
            if (settings == null) {
                continue;
            }
            for (ModelVersion v : settings.getVersions()) {
                ObjectNode labels = versions.putObject(Integer.toString(v.getVersion())).putObject("labels");
                for (LabelClass l : v.getLabelClasses()) {
                    ObjectNode label = labels.putObject(Integer.toString(l.getClassIndex()));
                    label.put("labelId", l.getLabelId());
                    label.put("name", l.getName());
                    label.put("type", l.getType().name());
                    label.put("scope", l.getScope().name());
                    label.put("annotationMode", l.getAnnotationMode() == null ? null : l.getAnnotationMode().name());
                }
            }
        }
        return o;
    }

    private ObjectNode predictionSummary(List<Prediction> predictions, Predicate<Prediction> filter) {
        ObjectNode o = mapper.createObjectNode();
        Map<String, Integer> byModel = countByModel(predictions, filter);
        o.put("total", byModel.values().stream().mapToInt(Integer::intValue).sum());
        ObjectNode m = o.putObject("byModel");
        byModel.forEach(m::put);
        return o;
    }

    private static Map<String, Integer> countByModel(List<Prediction> predictions, Predicate<Prediction> filter) {
        Map<String, Integer> out = new TreeMap<>();
        predictions.stream().filter(filter).forEach(p -> out.merge(p.getModelId(), 1, Integer::sum));
        return out;
    }

    private static void modalities(ObjectNode o, List<DataUploaded> instances) {
        ArrayNode m = o.putArray("modalities");
        instances.stream().map(DataUploaded::getModality).filter(Objects::nonNull).distinct().sorted().forEach(m::add);
    }

    private static String state(JobStatus s) {
        return s == null ? "QUEUED" : s.getState().name();
    }
}
