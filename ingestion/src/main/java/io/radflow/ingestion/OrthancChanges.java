package io.radflow.ingestion;

import com.fasterxml.jackson.databind.JsonNode;
import io.radflow.content.OrthancContentReader;
import io.radflow.ingestion.IngestionMetrics.Outcome;
import io.radflow.ingestion.OrthancClient.Change;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.DatasetUploadEvent;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Orthanc changes into upload events: NewInstance into DataUploaded (what the instance is, pixel data
 * included, and its content URI
 * {@code orthanc:instances/<id>}), StableSeries and StableStudy into upload-completed markers with
 * Orthanc's instance counts. Other changes yield nothing; so does a resource deleted since, and a
 * stable change that later uploads have superseded (Orthanc emits a new one when they settle).
 */
final class OrthancChanges {

    private static final Logger log = LoggerFactory.getLogger(OrthancChanges.class);

    private final OrthancClient orthanc;
    private final UploadEvents events;
    private final IngestionMetrics metrics;

    OrthancChanges(OrthancClient orthanc, UploadEvents events, IngestionMetrics metrics) {
        this.orthanc = orthanc;
        this.events = events;
        this.metrics = metrics;
    }

    List<DatasetUploadEvent> translate(Change change) {
        return switch (change.changeType()) {
            case "NewInstance" -> newInstance(change);
            case "StableSeries" -> stableSeries(change);
            case "StableStudy" -> stableStudy(change);
            default -> List.of();
        };
    }

    private List<DatasetUploadEvent> newInstance(Change change) {
        Optional<JsonNode> instance = orthanc.instance(change.id());
        Optional<JsonNode> tags = instance.isEmpty() ? Optional.empty() : orthanc.instanceTags(change.id());
        if (instance.isEmpty() || tags.isEmpty()) {
            metrics.instance(Outcome.GONE);
            log.warn("skipping instance deleted from Orthanc before it was published orthancId={} seq={}", change.id(), change.seq());
            return List.of();
        }
        JsonNode t = tags.get();
        String study = text(t, "StudyInstanceUID");
        String series = text(t, "SeriesInstanceUID");
        String sop = text(t, "SOPInstanceUID");
        if (study == null || series == null || sop == null) {
            metrics.instance(Outcome.NOT_AN_INSTANCE);
            log.warn("skipping Orthanc instance without Study, Series and SOP Instance UIDs orthancId={}", change.id());
            return List.of();
        }
        Optional<Boolean> hasPixelData = hasPixelData(change.id(), t);
        if (hasPixelData.isEmpty()) {
            metrics.instance(Outcome.GONE);
            log.warn("skipping instance deleted from Orthanc before it was published orthancId={} seq={}", change.id(), change.seq());
            return List.of();
        }
        Integer frames = integer(t, "NumberOfFrames", change.id());
        InstanceInfo info = new InstanceInfo(study, series, sop, text(t, "SOPClassUID"), text(t, "Modality"),
                integer(t, "InstanceNumber", change.id()), frames == null || frames < 1 ? 1 : frames,
                integer(t, "ImagesInAcquisition", change.id()), hasPixelData.get(), text(t, "BodyPartExamined"),
                text(t, "SeriesDescription"));
        ContentRef content = ContentRef.newBuilder().setUri(OrthancContentReader.uriOf(change.id()).toString())
                .setContentType("application/dicom").setSizeBytes(instance.get().path("FileSize").asLong(-1)).setSha256(null).build();
        metrics.instance(Outcome.PUBLISHED);
        return List.of(events.instance(info, content, change.id()));
    }

    /**
     * Whether the instance holds pixel data, without fetching it. Orthanc lists the pixel data
     * elements among the tags (value null) when it read the whole file for them; when it did not
     * (newer versions can answer tags from the part before the pixel data), the {@code PixelDataOffset}
     * metadata it records on storage (1.9.1 and later) says so. Empty when the instance is gone.
     */
    private Optional<Boolean> hasPixelData(String orthancId, JsonNode tags) {
        if (tags.has("PixelData") || tags.has("FloatPixelData") || tags.has("DoubleFloatPixelData")) {
            return Optional.of(true);
        }
        return orthanc.instanceMetadata(orthancId).map(metadata -> metadata.has("PixelDataOffset"));
    }

    private List<DatasetUploadEvent> stableSeries(Change change) {
        Optional<JsonNode> series = orthanc.series(change.id());
        Optional<JsonNode> study = series.flatMap(s -> orthanc.study(s.path("ParentStudy").asText()));
        if (study.isEmpty()) {
            log.warn("skipping stable series deleted from Orthanc orthancId={} seq={}", change.id(), change.seq());
            return List.of();
        }
        if (stale(change, series.get())) {
            return List.of();
        }
        String seriesUid = text(series.get().path("MainDicomTags"), "SeriesInstanceUID");
        String studyUid = text(study.get().path("MainDicomTags"), "StudyInstanceUID");
        if (seriesUid == null || studyUid == null) {
            log.warn("skipping stable series without UIDs orthancId={}", change.id());
            return List.of();
        }
        metrics.marker("series");
        return List.of(events.seriesCompleted(studyUid, seriesUid, series.get().path("Instances").size()));
    }

    private List<DatasetUploadEvent> stableStudy(Change change) {
        Optional<JsonNode> study = orthanc.study(change.id());
        Optional<JsonNode> statistics = study.isEmpty() ? Optional.empty() : orthanc.studyStatistics(change.id());
        if (statistics.isEmpty()) {
            log.warn("skipping stable study deleted from Orthanc orthancId={} seq={}", change.id(), change.seq());
            return List.of();
        }
        if (stale(change, study.get())) {
            return List.of();
        }
        String studyUid = text(study.get().path("MainDicomTags"), "StudyInstanceUID");
        if (studyUid == null) {
            log.warn("skipping stable study without a Study Instance UID orthancId={}", change.id());
            return List.of();
        }
        metrics.marker("study");
        return List.of(events.studyCompleted(studyUid, statistics.get().path("CountInstances").asInt()));
    }

    /**
     * A Stable* change read after its resource changed again (the bridge lags, or was down) would
     * publish today's count under yesterday's change, and the newer Stable* change that Orthanc
     * emits once the resource settles would publish it a second time. Only the change that is
     * still current counts: the resource is stable and received nothing since the change.
     */
    private static boolean stale(Change change, JsonNode resource) {
        boolean stable = resource.path("IsStable").asBoolean(true);
        String lastUpdate = resource.path("LastUpdate").asText("");
        // Orthanc's dates have one-second resolution and a stable change comes StableAge (>= 1 s) after the last update
        boolean current = stable && (lastUpdate.isEmpty() || change.date().compareTo(lastUpdate) > 0);
        if (!current) {
            log.debug("skipping a stable change superseded by later uploads resource={} seq={} changeDate={} lastUpdate={} stable={}",
                    change.id(), change.seq(), change.date(), lastUpdate, stable);
        }
        return !current;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            return null;
        }
        return v.asText().strip();
    }

    /** Orthanc gives numbers as DICOM text; a value that is not an integer is left out, with a warning. */
    private static Integer integer(JsonNode node, String field, String orthancId) {
        String s = text(node, field);
        if (s == null) {
            return null;
        }
        try {
            return Integer.valueOf(s.split("\\\\")[0].strip());
        } catch (NumberFormatException e) {
            log.warn("ignoring a value that is not an integer orthancId={} attribute={} value=\"{}\"", orthancId, field, s);
            return null;
        }
    }
}
