package io.radflow.trigger.job;

import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.JobTrigger;
import io.radflow.schemas.avro.Scope;
import io.radflow.schemas.jobs.JobIds;
import io.radflow.schemas.jobs.UidOrder;
import io.radflow.trigger.group.InstanceRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Builds inference jobs: instances in the documented order and a deterministic job id. */
public final class JobFactory {

    /** By series, then instance number (unnumbered last), then SOP instance UID. */
    public static final Comparator<InstanceRecord> INSTANCE_ORDER = Comparator
            .comparing(InstanceRecord::seriesUid, UidOrder.INSTANCE)
            .thenComparing(InstanceRecord::instanceNumber, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(InstanceRecord::sopUid, UidOrder.INSTANCE);

    private JobFactory() {
    }

    /** What a job is about, apart from its instances. */
    public record Target(String projectId, String datasetId, String studyUid, Scope scope, String scopeUid,
                         String modelId, int version, Map<String, String> args) {
    }

    /** The INSTANCE-scope job for one uploaded instance: at once, revision 0, for one model version. */
    public static InferenceJob forInstance(DatasetUploadEvent event, InstanceRecord instance, String modelId, int version,
                                           Map<String, String> args, long createdAt) {
        Target target = new Target(event.getProjectId(), event.getDatasetId(), event.getStudyInstanceUid(), Scope.INSTANCE,
                instance.sopUid(), modelId, version, args);
        return create(target, List.of(instance), JobTrigger.INSTANCE_UPLOADED, 0, null, createdAt);
    }

    /**
     * @param revision   0 for the first job of a group
     * @param supersedes the job id of the previous revision, or null
     */
    public static InferenceJob create(Target target, List<InstanceRecord> instances, JobTrigger trigger, int revision,
                                      String supersedes, long createdAt) {
        List<InstanceRecord> ordered = new ArrayList<>(instances);
        ordered.sort(INSTANCE_ORDER);
        List<JobInstance> jobInstances = new ArrayList<>(ordered.size());
        List<String> sops = new ArrayList<>(ordered.size());
        for (InstanceRecord r : ordered) {
            jobInstances.add(r.toJobInstance(target.studyUid()));
            sops.add(r.sopUid());
        }
        return InferenceJob.newBuilder()
                .setJobId(JobIds.of(target.modelId(), target.version(), target.scope(), target.scopeUid(), sops))
                .setProjectId(target.projectId())
                .setDatasetId(target.datasetId())
                .setModelId(target.modelId())
                .setModelVersion(target.version())
                .setScope(target.scope())
                .setScopeUid(target.scopeUid())
                .setStudyInstanceUid(target.studyUid())
                .setInstances(jobInstances)
                .setTrigger(trigger)
                .setRevision(revision)
                .setSupersedesJobId(supersedes)
                .setArgs(target.args())
                .setCreatedAt(Instant.ofEpochMilli(createdAt))
                .build();
    }
}
