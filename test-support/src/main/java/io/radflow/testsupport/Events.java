package io.radflow.testsupport;

import io.radflow.schemas.avro.Batching;
import io.radflow.schemas.avro.CompletionLevel;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.JobTrigger;
import io.radflow.schemas.avro.ModelFileType;
import io.radflow.schemas.avro.ModelLibrary;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.schemas.avro.RoutingRules;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import io.radflow.schemas.avro.UploadCompleted;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Builders of upload and settings events with the fields tests vary as parameters (project, UIDs,
 * scope, time). {@link SampleEvents} holds the fully populated examples for round-trip tests.
 */
public final class Events {

    private Events() {
    }

    public static ProjectSettings project(String projectId, Instant at) {
        return ProjectSettings.newBuilder().setProjectId(projectId).setName("Project " + projectId).setSiteId("site-a")
                .setCreatedAt(at).setUpdatedAt(at).build();
    }

    public static ModelVersion version(int number, Scope scope, Instant at) {
        return ModelVersion.newBuilder().setVersion(number).setRuntime(RuntimeKind.ONNX).setScope(scope)
                .setDefaultArgs(Map.of("threshold", "0." + number))
                .setBatching(Batching.newBuilder().setMaxBatchSize(8).setMaxQueueDelayMs(20).build())
                .setCreatedAt(at).build();
    }

    /** An auto-run model with one version of the given scope, updated at {@code at}. */
    public static ModelSettings model(String modelId, String projectId, Scope scope, Instant at) {
        return ModelSettings.newBuilder().setModelId(modelId).setProjectId(projectId).setOwnerId("alice").setName(modelId)
                .setLibrary(ModelLibrary.ONNX).setFileType(ModelFileType.ONNX).setAutoRun(true)
                .setVersions(new ArrayList<>(List.of(version(1, scope, at)))).setCreatedAt(at).setUpdatedAt(at).build();
    }

    /** A MANUAL job of {@code scope} over these instances, of one study; the job id is the caller's. */
    public static InferenceJob job(String jobId, String projectId, String modelId, int version, Scope scope, String scopeUid,
                                   List<JobInstance> instances) {
        return InferenceJob.newBuilder().setJobId(jobId).setProjectId(projectId).setDatasetId("dataset-" + projectId)
                .setModelId(modelId).setModelVersion(version).setScope(scope).setScopeUid(scopeUid)
                .setStudyInstanceUid(instances.get(0).getStudyInstanceUid()).setInstances(instances)
                .setTrigger(JobTrigger.MANUAL).setCreatedAt(Instant.now()).build();
    }

    /** One instance of a job, uploaded a few seconds ago. */
    public static JobInstance jobInstance(String studyUid, String seriesUid, String sopUid, ContentRef content) {
        return JobInstance.newBuilder().setStudyInstanceUid(studyUid).setSeriesInstanceUid(seriesUid).setSopInstanceUid(sopUid)
                .setContent(content).setUploadedAt(Instant.now().minusSeconds(5)).build();
    }

    public static ContentRef content(String sopUid) {
        return ContentRef.newBuilder().setUri("file:///store/" + sopUid + ".dcm").setSizeBytes(1000 + sopUid.length())
                .setSha256(null).build();
    }

    /** One instance; eventId is deterministic per instance, as the contract asks. */
    public static DatasetUploadEvent instance(String projectId, String studyUid, String seriesUid, String sopUid,
                                              Integer instanceNumber, Instant publishedAt) {
        return instance(projectId, studyUid, seriesUid, sopUid, instanceNumber, null, publishedAt);
    }

    public static DatasetUploadEvent instance(String projectId, String studyUid, String seriesUid, String sopUid,
                                              Integer instanceNumber, Integer imagesInAcquisition, Instant publishedAt) {
        return DatasetUploadEvent.newBuilder().setEventId("up-" + sopUid).setProjectId(projectId).setDatasetId("dataset-1")
                .setStudyInstanceUid(studyUid).setSource("test").setPublishedAt(publishedAt)
                .setPayload(DataUploaded.newBuilder().setSeriesInstanceUid(seriesUid).setSopInstanceUid(sopUid)
                        .setModality("CT").setInstanceNumber(instanceNumber).setImagesInAcquisition(imagesInAcquisition)
                        .setContent(content(sopUid)).build())
                .build();
    }

    /** The same instance event, its payload changed: what the instance is (SOP class, pixel data, ...). */
    public static DatasetUploadEvent describe(DatasetUploadEvent event, UnaryOperator<DataUploaded.Builder> change) {
        DataUploaded data = (DataUploaded) event.getPayload();
        return DatasetUploadEvent.newBuilder(event).setPayload(change.apply(DataUploaded.newBuilder(data)).build()).build();
    }

    /** The model with every version's routing rules set to {@code rules}. */
    public static ModelSettings routed(ModelSettings model, RoutingRules rules) {
        List<ModelVersion> versions = new ArrayList<>();
        for (ModelVersion v : model.getVersions()) {
            versions.add(ModelVersion.newBuilder(v).setRouting(rules).build());
        }
        return ModelSettings.newBuilder(model).setVersions(versions).build();
    }

    public static DatasetUploadEvent seriesMarker(String projectId, String studyUid, String seriesUid, Integer count,
                                                  Instant publishedAt) {
        return marker(projectId, studyUid, CompletionLevel.SERIES, seriesUid, count, publishedAt);
    }

    public static DatasetUploadEvent studyMarker(String projectId, String studyUid, Integer count, Instant publishedAt) {
        return marker(projectId, studyUid, CompletionLevel.STUDY, null, count, publishedAt);
    }

    private static DatasetUploadEvent marker(String projectId, String studyUid, CompletionLevel level, String seriesUid,
                                             Integer count, Instant publishedAt) {
        return DatasetUploadEvent.newBuilder()
                .setEventId("done-" + level + "-" + (seriesUid != null ? seriesUid : studyUid) + "-" + publishedAt.toEpochMilli())
                .setProjectId(projectId).setDatasetId("dataset-1").setStudyInstanceUid(studyUid).setSource("test")
                .setPublishedAt(publishedAt)
                .setPayload(UploadCompleted.newBuilder().setLevel(level).setSeriesInstanceUid(seriesUid).setInstanceCount(count).build())
                .build();
    }
}
