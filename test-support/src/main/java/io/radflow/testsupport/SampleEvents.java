package io.radflow.testsupport;

import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.Artifact;
import io.radflow.schemas.avro.Batching;
import io.radflow.schemas.avro.BoundingBox;
import io.radflow.schemas.avro.ClassProbability;
import io.radflow.schemas.avro.Cloneability;
import io.radflow.schemas.avro.CompletionLevel;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.Explanation;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.InputType;
import io.radflow.schemas.avro.JobFailure;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.JobTrigger;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.schemas.avro.Mask;
import io.radflow.schemas.avro.ModelFileType;
import io.radflow.schemas.avro.ModelLibrary;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.OutputType;
import io.radflow.schemas.avro.Point;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.ProjectMember;
import io.radflow.schemas.avro.ProjectRole;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.schemas.avro.Provenance;
import io.radflow.schemas.avro.RoutingRules;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import io.radflow.schemas.avro.UploadCompleted;
import io.radflow.schemas.avro.Vertices;
import io.radflow.schemas.avro.Visibility;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Fully populated example events, one per type, for round-trip and contract tests. Every
 * optional field is set, so a field lost on the way shows up as a difference.
 */
public final class SampleEvents {

    private SampleEvents() {
    }

    // Whole milliseconds: Avro timestamp-millis keeps no more, so round trips compare equal.
    public static final Instant T0 = Instant.parse("2026-11-27T10:15:30.123Z");

    public static ContentRef content(String uid) {
        return ContentRef.newBuilder().setUri("file:///data/" + uid + ".dcm").setContentType("application/dicom")
                .setSizeBytes(39_424).setSha256("ab".repeat(32)).build();
    }

    public static ModelSettings modelSettings() {
        ModelVersion v1 = ModelVersion.newBuilder()
                .setVersion(1).setRuntime(RuntimeKind.ONNX).setScope(Scope.SERIES).setInputType(InputType.DICOM)
                .setDevice(Device.GPU)
                .setArtifact(Artifact.newBuilder().setUri("file:///artifacts/sha256/cd").setSha256("cd".repeat(32))
                        .setSizeBytes(4096).setFileName("classifier.onnx").build())
                .setLabelClasses(List.of(
                        LabelClass.newBuilder().setClassIndex(0).setLabelId("L_normal").setName("Normal")
                                .setType(LabelType.GLOBAL).setScope(Scope.SERIES).build(),
                        LabelClass.newBuilder().setClassIndex(1).setLabelId("L_nodule").setName("Nodule")
                                .setType(LabelType.LOCAL).setScope(Scope.INSTANCE).setAnnotationMode(AnnotationMode.BBOX).build()))
                .setDefaultArgs(Map.of("threshold", "0.5"))
                .setBatching(Batching.newBuilder().setMaxBatchSize(16).setMaxQueueDelayMs(20).build())
                .setCreatedAt(T0).setCloned(true).setClonedFrom("model-0:3")
                .setRouting(RoutingRules.newBuilder().setModalities(List.of("CT")).setSopClassUids(List.of("1.2.840.10008.5.1.4.1.1.2"))
                        .setBodyPartsExamined(List.of("CHEST", "LUNG")).setSeriesDescriptionPattern("(?i)lung").build())
                .build();
        return ModelSettings.newBuilder()
                .setModelId("model-1").setProjectId("project-1").setOwnerId("alice").setName("lung-nodules")
                .setDescription("finds nodules").setLibrary(ModelLibrary.ONNX).setFileType(ModelFileType.ONNX)
                .setVisibility(Visibility.PUBLIC).setAutoRun(true).setExportable(true)
                .setCloneable(Cloneability.SITE_ONLY).setActiveVersion(1).setVersions(List.of(v1))
                .setCreatedAt(T0).setUpdatedAt(T0.plusSeconds(5)).setLastUsedAt(T0.plusSeconds(60))
                .setArchivedAt(T0.plusSeconds(120)).setRevision(7)
                .build();
    }

    public static ProjectSettings projectSettings() {
        return ProjectSettings.newBuilder().setProjectId("project-1").setName("Chest CT").setSiteId("site-a")
                .setVisibility(Visibility.PRIVATE).setExportDisabled(true)
                .setMembers(List.of(new ProjectMember("alice", ProjectRole.ADMIN), new ProjectMember("bob", ProjectRole.MEMBER)))
                .setCreatedAt(T0).setUpdatedAt(T0).setRevision(2).build();
    }

    public static DatasetUploadEvent instanceUploaded() {
        return DatasetUploadEvent.newBuilder().setEventId("evt-1").setProjectId("project-1").setDatasetId("dataset-1")
                .setStudyInstanceUid("1.2.3").setSource("uploader").setPublishedAt(T0)
                .setPayload(DataUploaded.newBuilder().setSeriesInstanceUid("1.2.3.4").setSopInstanceUid("1.2.3.4.5")
                        .setSopClassUid("1.2.840.10008.5.1.4.1.1.2").setModality("CT").setInstanceNumber(5)
                        .setNumberOfFrames(1).setImagesInAcquisition(12).setContent(content("1.2.3.4.5")).setHasPixelData(true)
                        .setBodyPartExamined("CHEST").setSeriesDescription("Lung 1mm").build())
                .build();
    }

    public static DatasetUploadEvent seriesCompleted() {
        return DatasetUploadEvent.newBuilder().setEventId("evt-2").setProjectId("project-1").setDatasetId("dataset-1")
                .setStudyInstanceUid("1.2.3").setSource("uploader").setPublishedAt(T0)
                .setPayload(UploadCompleted.newBuilder().setLevel(CompletionLevel.SERIES).setSeriesInstanceUid("1.2.3.4")
                        .setInstanceCount(12).build())
                .build();
    }

    public static InferenceJob inferenceJob() {
        return InferenceJob.newBuilder().setJobId("job-1").setProjectId("project-1").setDatasetId("dataset-1")
                .setModelId("model-1").setModelVersion(1).setScope(Scope.SERIES).setScopeUid("1.2.3.4")
                .setStudyInstanceUid("1.2.3")
                .setInstances(List.of(
                        JobInstance.newBuilder().setStudyInstanceUid("1.2.3").setSeriesInstanceUid("1.2.3.4")
                                .setSopInstanceUid("1.2.3.4.5").setInstanceNumber(5).setNumberOfFrames(1)
                                .setContent(content("1.2.3.4.5")).setUploadedAt(T0).build(),
                        JobInstance.newBuilder().setStudyInstanceUid("1.2.3").setSeriesInstanceUid("1.2.3.4")
                                .setSopInstanceUid("1.2.3.4.6").setInstanceNumber(6).setNumberOfFrames(3)
                                .setContent(content("1.2.3.4.6")).setUploadedAt(T0).build()))
                .setTrigger(JobTrigger.COMPLETION_MARKER).setRevision(1).setSupersedesJobId("job-0")
                .setArgs(Map.of("threshold", "0.5")).setCreatedAt(T0)
                .build();
    }

    /** One prediction per data shape (mask, box, vertices, point) and per probability form. */
    public static List<Prediction> predictions() {
        return List.of(
                prediction(0, new Mask(2, 3, ByteBuffer.wrap(new byte[] {0, 1, 1, 0, 0, 1})), 0.93),
                prediction(1, new BoundingBox(10.5, 20.0, 30.0, 40.25),
                        List.of(new ClassProbability(0, 0.1), new ClassProbability(1, 0.9))),
                prediction(2, new Vertices(List.of(new Point(1.0, 2.0), new Point(3.0, 4.0), new Point(5.0, 1.0))), null),
                prediction(3, new Point(7.0, 8.5), 0.5));
    }

    private static Prediction prediction(int index, Object data, Object probability) {
        return Prediction.newBuilder().setPredictionId("job-1:" + index).setJobId("job-1").setProjectId("project-1")
                .setDatasetId("dataset-1").setModelId("model-1").setModelVersion(1).setOutputIndex(index)
                .setType(OutputType.ANNOTATION).setStudyInstanceUid("1.2.3").setSeriesInstanceUid("1.2.3.4")
                .setSopInstanceUid("1.2.3.4.5").setFrameNumber(0).setClassIndex(1).setLabelId("L_nodule")
                .setData(data).setProbability(probability).setNote("looks round")
                .setExplanations(List.of(new Explanation("saliency", "grad-cam", ByteBuffer.wrap(new byte[] {1, 2, 3}), "image/png")))
                .setDicomContent(null)
                .setProvenance(Provenance.newBuilder().setWorkerId("worker-1").setRuntime(RuntimeKind.ONNX)
                        .setDevice(Device.CPU).setArtifactSha256("cd".repeat(32)).setJobRevision(1).setUploadedAt(T0)
                        .setJobCreatedAt(T0).setStartedAt(T0.plusMillis(10)).setCompletedAt(T0.plusMillis(25)).build())
                .build();
    }

    public static JobFailure jobFailure() {
        return JobFailure.newBuilder().setJobId("job-1").setReason("INVALID_OUTPUT").setRetriable(false)
                .setMessage("class index 7 is not among the version's label classes [0, 1]").setAttempts(1)
                .setSourceTopic("inference-jobs").setSourcePartition(2).setSourceOffset(42).setModelId("model-1")
                .setModelVersion(1).setJob(inferenceJob()).setExceptionClass("io.radflow.common.error.RadflowException")
                .setStackTrace("at ...").setWorkerId("worker-1").setFailedAt(T0).build();
    }

    public static JobStatus jobStatus() {
        return JobStatus.newBuilder().setJobId("job-1").setState(JobState.SUCCEEDED).setModelId("model-1")
                .setModelVersion(1).setScope(Scope.SERIES).setWorkerId("worker-1").setAttempts(1).setPredictionCount(4)
                .setJobCreatedAt(T0).setStartedAt(T0.plusMillis(10)).setFinishedAt(T0.plusMillis(30))
                .setUpdatedAt(T0.plusMillis(30)).build();
    }
}
