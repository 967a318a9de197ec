package io.radflow.runs.plan;

import io.radflow.dicom.SopClasses;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.JobTrigger;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.RoutingRules;
import io.radflow.schemas.avro.RunSelection;
import io.radflow.schemas.avro.Scope;
import io.radflow.schemas.jobs.JobIds;
import io.radflow.schemas.jobs.UidOrder;
import io.radflow.schemas.routing.InstanceRouting;
import io.radflow.schemas.routing.InstanceRouting.InstanceFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a run's selection over a project's indexed instances into jobs, scoped as auto-run scopes
 * them: a job per instance, per series or per study, each listing the instances the version's
 * routing rules take, in auto-run's order. Job ids are auto-run's deterministic id prefixed with
 * {@code run-<run id>-}: a run never collides with auto-run's de-duplication, and each run of the
 * same selection is a run of its own.
 */
public final class RunPlanner {

    /** The run's jobs, how many instances they cover, and how many the routing rules left out. */
    public record Plan(List<InferenceJob> jobs, int instances, int leftOut) {
    }

    private static final Comparator<JobInstance> ORDER = Comparator
            .comparing(JobInstance::getSeriesInstanceUid, UidOrder.INSTANCE)
            .thenComparing(JobInstance::getInstanceNumber, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(JobInstance::getSopInstanceUid, UidOrder.INSTANCE);

    private RunPlanner() {
    }

    /** The job id of a run's job: auto-run's id for the same scope and instances, prefixed with the run. */
    public static String jobId(String runId, String modelId, int version, Scope scope, String scopeUid, List<String> sops) {
        return prefix(runId) + JobIds.of(modelId, version, scope, scopeUid, sops);
    }

    /** What every job id of the run starts with. */
    public static String prefix(String runId) {
        return "run-" + runId + "-";
    }

    /** The run a job id belongs to, or null for a job that is not a run's. */
    public static String runIdOf(String jobId) {
        if (jobId == null || !jobId.startsWith("run-")) {
            return null;
        }
        int end = jobId.lastIndexOf('-');
        return end > 4 ? jobId.substring(4, end) : null;
    }

    /** Does this indexed instance fall in the selection? */
    public static boolean selects(RunSelection s, DatasetUploadEvent e) {
        if (!(e.getPayload() instanceof DataUploaded d)) {
            return false;
        }
        Set<String> modalities = s.getModalities().stream().map(m -> m.toUpperCase(Locale.ROOT)).collect(Collectors.toSet());
        return (s.getDataset() == null || s.getDataset().equals(e.getDatasetId()))
                && (s.getStudies().isEmpty() || s.getStudies().contains(e.getStudyInstanceUid()))
                && (s.getSeries().isEmpty() || s.getSeries().contains(d.getSeriesInstanceUid()))
                && (modalities.isEmpty() || (d.getModality() != null && modalities.contains(d.getModality().toUpperCase(Locale.ROOT))))
                && (s.getUploadedFrom() == null || !e.getPublishedAt().isBefore(s.getUploadedFrom()))
                && (s.getUploadedTo() == null || e.getPublishedAt().isBefore(s.getUploadedTo()));
    }

    /**
     * @param indexed the project's instances (any order); those outside the selection are skipped
     */
    public static Plan plan(String runId, String projectId, String modelId, ModelVersion version, RunSelection selection,
                            Iterable<DatasetUploadEvent> indexed, Instant now) {
        RoutingRules rules = version.getRouting() != null ? version.getRouting() : RoutingRules.newBuilder().build();
        InstanceRouting routing = InstanceRouting.of(rules);
        Map<String, List<JobInstance>> groups = new LinkedHashMap<>();
        Map<String, DatasetUploadEvent> firstOfGroup = new LinkedHashMap<>();
        int taken = 0;
        int leftOut = 0;
        for (DatasetUploadEvent e : indexed) {
            if (!selects(selection, e)) {
                continue;
            }
            DataUploaded d = (DataUploaded) e.getPayload();
            InstanceFacts facts = new InstanceFacts(SopClasses.isImage(d.getSopClassUid(), d.getHasPixelData()), d.getSopClassUid(),
                    d.getModality(), d.getBodyPartExamined(), d.getSeriesDescription());
            if (routing.leftOut(facts).isPresent()) {
                leftOut++;
                continue;
            }
            taken++;
            String scopeUid = scopeUid(version.getScope(), e, d);
            String group = e.getStudyInstanceUid() + "/" + scopeUid;
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(JobInstance.newBuilder()
                    .setStudyInstanceUid(e.getStudyInstanceUid()).setSeriesInstanceUid(d.getSeriesInstanceUid())
                    .setSopInstanceUid(d.getSopInstanceUid()).setInstanceNumber(d.getInstanceNumber())
                    .setNumberOfFrames(d.getNumberOfFrames()).setContent(d.getContent()).setUploadedAt(e.getPublishedAt()).build());
            firstOfGroup.putIfAbsent(group, e);
        }
        List<InferenceJob> jobs = new ArrayList<>(groups.size());
        for (Map.Entry<String, List<JobInstance>> g : groups.entrySet()) {
            List<JobInstance> instances = g.getValue();
            instances.sort(ORDER);
            DatasetUploadEvent first = firstOfGroup.get(g.getKey());
            String scopeUid = scopeUid(version.getScope(), first, (DataUploaded) first.getPayload());
            List<String> sops = instances.stream().map(JobInstance::getSopInstanceUid).toList();
            jobs.add(InferenceJob.newBuilder()
                    .setJobId(jobId(runId, modelId, version.getVersion(), version.getScope(), scopeUid, sops))
                    .setProjectId(projectId).setDatasetId(first.getDatasetId()).setModelId(modelId)
                    .setModelVersion(version.getVersion()).setScope(version.getScope()).setScopeUid(scopeUid)
                    .setStudyInstanceUid(first.getStudyInstanceUid()).setInstances(instances).setTrigger(JobTrigger.MANUAL)
                    .setArgs(version.getDefaultArgs()).setCreatedAt(now).setRunId(runId).build());
        }
        return new Plan(jobs, taken, leftOut);
    }

    private static String scopeUid(Scope scope, DatasetUploadEvent e, DataUploaded d) {
        return switch (scope) {
            case INSTANCE -> d.getSopInstanceUid();
            case SERIES -> d.getSeriesInstanceUid();
            case STUDY -> e.getStudyInstanceUid();
        };
    }
}
