package io.radflow.viewer;

import io.radflow.content.FileContentStore;
import io.radflow.content.StorageConfig;
import io.radflow.registry.RegistryConfig;
import io.radflow.registry.auth.Secrets;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.ApiKey;
import io.radflow.schemas.avro.BoundingBox;
import io.radflow.schemas.avro.ClassProbability;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.InferenceJob;
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
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import io.radflow.schemas.avro.Vertices;
import io.radflow.schemas.avro.Visibility;
import io.radflow.testsupport.Events;
import io.radflow.testsupport.TestStack;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Test data on the real topics: projects, API keys, a model, a study with instances (real DICOM
 * in a content store), jobs, job states and predictions of every data kind. Every id carries a
 * run suffix, so test classes sharing the broker never see each other's data.
 */
public final class ViewerFixture implements AutoCloseable {

    public static final String ADMIN_KEY = "viewer-test-admin-key-0123456789";
    /** A real CT image (128 x 128, explicit VR little endian) from pydicom's test files. */
    public static final Path CT_SMALL = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm");

    public final String run = UUID.randomUUID().toString().substring(0, 8);
    public final String privateProject = "chest-" + run;
    public final String publicProject = "open-" + run;
    public final String modelId = "model-seg-" + run;
    public final String classifierId = "model-cls-" + run;
    public final TopicSerdes serdes;
    private final KafkaProducer<String, Object> producer;
    private final FileContentStore store;
    private final Path contentDir;
    private final Instant t0 = Instant.ofEpochMilli(System.currentTimeMillis() / 1000 * 1000);

    /** Tokens by user. */
    public final Map<String, String> keys = new HashMap<>();

    @SuppressWarnings("unchecked")
    public ViewerFixture(Path contentDir) {
        TestStack stack = TestStack.get();
        this.contentDir = contentDir;
        this.store = new FileContentStore(contentDir);
        this.serdes = new TopicSerdes(new HttpSchemaRegistryClient(SchemaRegistrySettings.of(URI.create(stack.schemaRegistryUrl()))), true);
        // One serializer for every catalog topic: each record goes through its own topic's serde.
        org.apache.kafka.common.serialization.Serializer<Object> values = (topic, value) -> value == null ? null
                : ((org.apache.kafka.common.serialization.Serializer<Object>) (Object) serdes.valueSerializer(
                        (Topic<?, Object>) (Topic<?, ?>) TopicCatalog.byName(topic).orElseThrow())).serialize(topic, value);
        this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", stack.bootstrapServers(), "acks", "all"),
                new org.apache.kafka.common.serialization.StringSerializer(), values);
    }

    /** The viewer's configuration against the shared test stack. */
    public Map<String, String> viewerConfig() {
        Map<String, String> values = new HashMap<>();
        values.put(ViewerConfig.APPLICATION_ID.name(), "viewer-it-" + run);
        values.put(RegistryConfig.ADMIN_API_KEY.name(), ADMIN_KEY);
        values.put(StorageConfig.CONTENT_STORE_DIR.name(), contentDir.toString());
        return values;
    }

    public ViewerService startViewer() throws Exception {
        ViewerService viewer = new ViewerService(TestStack.get().config(ViewerConfig.DEFINITION, viewerConfig()));
        viewer.start();
        return viewer;
    }

    public <V> void send(Topic<String, V> topic, String key, V value) {
        producer.send(new ProducerRecord<>(topic.name(), key, value));
        producer.flush();
    }

    /** Alice is a member of the private project, bob of nothing; carol's key is revoked. */
    public void projectsAndKeys() {
        send(TopicCatalog.PROJECT_SETTINGS, privateProject, ProjectSettings.newBuilder().setProjectId(privateProject)
                .setName("Chest CT " + run).setSiteId("site-a").setVisibility(Visibility.PRIVATE)
                .setMembers(List.of(new ProjectMember("alice-" + run, ProjectRole.MEMBER))).setCreatedAt(t0).setUpdatedAt(t0).build());
        send(TopicCatalog.PROJECT_SETTINGS, publicProject, ProjectSettings.newBuilder().setProjectId(publicProject)
                .setName("Open data " + run).setSiteId("site-a").setVisibility(Visibility.PUBLIC).setCreatedAt(t0).setUpdatedAt(t0).build());
        for (String user : List.of("alice", "bob", "carol")) {
            Secrets.NewApiKey key = Secrets.newApiKey();
            send(TopicCatalog.REGISTRY_API_KEYS, key.keyId(), ApiKey.newBuilder().setKeyId(key.keyId()).setUserId(user + "-" + run)
                    .setSecretSha256(key.secretSha256()).setCreatedBy("admin").setCreatedAt(t0)
                    .setRevokedAt(user.equals("carol") ? t0 : null).build());
            keys.put(user, key.token());
        }
        keys.put("admin", ADMIN_KEY);
        send(TopicCatalog.MODEL_SETTINGS, modelId, model(modelId, "lesion-finder", List.of(
                label(0, "L_mask", "Liver", LabelType.LOCAL, Scope.INSTANCE, AnnotationMode.MASK),
                label(1, "L_box", "Nodule", LabelType.LOCAL, Scope.INSTANCE, AnnotationMode.BBOX),
                label(2, "L_poly", "Vessel", LabelType.LOCAL, Scope.INSTANCE, AnnotationMode.POLYGON),
                label(3, "L_point", "Landmark", LabelType.LOCAL, Scope.INSTANCE, AnnotationMode.LOCATION),
                label(4, "L_line", "Diameter", LabelType.LOCAL, Scope.INSTANCE, AnnotationMode.LINE))));
        send(TopicCatalog.MODEL_SETTINGS, classifierId, model(classifierId, "triage", List.of(
                label(0, "L_normal", "Normal", LabelType.GLOBAL, Scope.STUDY, null),
                label(1, "L_abnormal", "Abnormal", LabelType.GLOBAL, Scope.STUDY, null))));
    }

    private ModelSettings model(String id, String name, List<LabelClass> labels) {
        return ModelSettings.newBuilder().setModelId(id).setProjectId(privateProject).setOwnerId("alice-" + run).setName(name)
                .setLibrary(ModelLibrary.ONNX).setFileType(ModelFileType.ONNX).setAutoRun(true)
                .setVersions(List.of(ModelVersion.newBuilder(Events.version(1, Scope.INSTANCE, t0)).setLabelClasses(labels).build()))
                .setCreatedAt(t0).setUpdatedAt(t0).build();
    }

    private static LabelClass label(int index, String id, String name, LabelType type, Scope scope, AnnotationMode mode) {
        return LabelClass.newBuilder().setClassIndex(index).setLabelId(id).setName(name).setType(type).setScope(scope)
                .setAnnotationMode(mode).build();
    }

    /** A study's identifiers. */
    public record StudyIds(String project, String study, String series, String sop, String sopGone) {
    }

    public StudyIds ids(String project, String name) {
        String study = "1.2.826.0.1." + Math.abs((run + name).hashCode());
        return new StudyIds(project, study, study + ".1", study + ".1.1", study + ".1.2");
    }

    /** Two instances: one whose content is a real CT in the content store, one whose content is gone. */
    public void upload(StudyIds ids) {
        var stored = store.put(CT_SMALL);
        instance(ids, ids.sop(), 1, ContentRef.newBuilder().setUri(stored.uri().toString()).setContentType("application/dicom")
                .setSizeBytes(stored.sizeBytes()).setSha256(stored.sha256()).build());
        instance(ids, ids.sopGone(), 2, ContentRef.newBuilder().setUri(store.pathOf("00".repeat(32)).toUri().toString())
                .setContentType("application/dicom").setSizeBytes(1).setSha256("00".repeat(32)).build());
    }

    private void instance(StudyIds ids, String sop, int number, ContentRef content) {
        send(TopicCatalog.DATASET_UPLOADS, ids.study(), DatasetUploadEvent.newBuilder().setEventId("up-" + sop).setProjectId(ids.project())
                .setDatasetId("ds-" + run).setStudyInstanceUid(ids.study()).setSource("test").setPublishedAt(Instant.now())
                .setPayload(DataUploaded.newBuilder().setSeriesInstanceUid(ids.series()).setSopInstanceUid(sop)
                        .setSopClassUid("1.2.840.10008.5.1.4.1.1.2").setModality("CT").setInstanceNumber(number).setNumberOfFrames(1)
                        .setContent(content).setHasPixelData(true).setSeriesDescription("Abdomen").build())
                .build());
    }

    /** An INSTANCE job of the segmentation model on the first instance; revision > 0 supersedes {@code supersedes}. */
    public InferenceJob job(StudyIds ids, String jobId, String model, Scope scope, String scopeUid, int revision, String supersedes) {
        InferenceJob job = InferenceJob.newBuilder().setJobId(jobId).setProjectId(ids.project()).setDatasetId("ds-" + run)
                .setModelId(model).setModelVersion(1).setScope(scope).setScopeUid(scopeUid).setStudyInstanceUid(ids.study())
                .setInstances(List.of(JobInstance.newBuilder().setStudyInstanceUid(ids.study()).setSeriesInstanceUid(ids.series())
                        .setSopInstanceUid(ids.sop()).setContent(Events.content(ids.sop()))
                        .setUploadedAt(t0).build()))
                .setTrigger(JobTrigger.INSTANCE_UPLOADED).setRevision(revision).setSupersedesJobId(supersedes).setCreatedAt(Instant.now()).build();
        send(TopicCatalog.INFERENCE_JOBS, jobId, job);
        return job;
    }

    public void status(InferenceJob job, JobState state, int predictions) {
        Instant now = Instant.now();
        send(TopicCatalog.JOB_STATUS, job.getJobId(), JobStatus.newBuilder().setJobId(job.getJobId()).setState(state)
                .setModelId(job.getModelId()).setModelVersion(job.getModelVersion()).setScope(job.getScope()).setWorkerId("w-1")
                .setAttempts(1).setPredictionCount(predictions).setJobCreatedAt(job.getCreatedAt()).setStartedAt(now)
                .setFinishedAt(state == JobState.SUCCEEDED ? now : null).setUpdatedAt(now).build());
    }

    /**
     * Outputs of every data kind on the first instance, frame 0 of 128 x 128: a mask (rows 10-29,
     * columns 10-29), a box (x 70-110, y 10-40), a polygon, a point (100, 100), a line, an
     * instance classification with a probability per class, and a study-level note.
     */
    public List<Prediction> segmentationOutputs(InferenceJob job) {
        byte[] mask = new byte[128 * 128];
        for (int r = 10; r < 30; r++) {
            for (int c = 10; c < 30; c++) {
                mask[r * 128 + c] = 1;
            }
        }
        List<Prediction> out = new ArrayList<>();
        out.add(prediction(job, 0, 0, new Mask(128, 128, ByteBuffer.wrap(mask)), 0.91, null, true));
        out.add(prediction(job, 1, 1, new BoundingBox(70.0, 10.0, 40.0, 30.0), 0.82, null, true));
        out.add(prediction(job, 2, 2, new Vertices(List.of(new Point(20.0, 60.0), new Point(50.0, 60.0), new Point(35.0, 90.0))),
                0.7, null, true));
        out.add(prediction(job, 3, 3, new Point(100.0, 100.0), 0.66, null, true));
        out.add(prediction(job, 4, 4, new Vertices(List.of(new Point(60.0, 110.0), new Point(90.0, 120.0))), null, "13 mm", true));
        out.add(prediction(job, 5, 1, null, List.of(new ClassProbability(0, 0.2), new ClassProbability(1, 0.8)), null, true));
        out.add(prediction(job, 6, null, null, null, "no finding worth a second read", false));
        return out;
    }

    public Prediction prediction(InferenceJob job, int index, Integer classIndex, Object data, Object probability, String note,
                                 boolean onInstance) {
        Instant now = Instant.now();
        String labelId = classIndex == null ? null : "L_" + classIndex;
        Prediction p = Prediction.newBuilder().setPredictionId(job.getJobId() + ":" + index).setJobId(job.getJobId())
                .setProjectId(job.getProjectId()).setDatasetId(job.getDatasetId()).setModelId(job.getModelId())
                .setModelVersion(job.getModelVersion()).setOutputIndex(index)
                .setType(classIndex == null && data == null && note != null ? OutputType.NONE : OutputType.ANNOTATION)
                .setStudyInstanceUid(job.getStudyInstanceUid())
                .setSeriesInstanceUid(onInstance ? job.getInstances().get(0).getSeriesInstanceUid() : null)
                .setSopInstanceUid(onInstance ? job.getInstances().get(0).getSopInstanceUid() : null)
                .setFrameNumber(onInstance && data != null ? 0 : null).setClassIndex(classIndex).setLabelId(labelId)
                .setData(data).setProbability(probability).setNote(note)
                .setProvenance(Provenance.newBuilder().setWorkerId("w-1").setRuntime(RuntimeKind.ONNX).setDevice(Device.CPU)
                        .setJobRevision(job.getRevision()).setUploadedAt(t0).setJobCreatedAt(job.getCreatedAt()).setStartedAt(now)
                        .setCompletedAt(now).build())
                .build();
        send(TopicCatalog.PREDICTIONS, p.getStudyInstanceUid(), p);
        return p;
    }

    @Override
    public void close() {
        producer.close();
    }
}
