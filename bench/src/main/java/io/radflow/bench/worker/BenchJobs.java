package io.radflow.bench.worker;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import io.radflow.content.FileContentStore;
import io.radflow.content.StorageConfig;
import io.radflow.content.StoredContent;
import io.radflow.dicom.DicomAttributes;
import io.radflow.dicom.DicomReader;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.Artifact;
import io.radflow.schemas.avro.Batching;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.InputType;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.JobTrigger;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.schemas.avro.ModelFileType;
import io.radflow.schemas.avro.ModelLibrary;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import io.radflow.worker.WorkerConfig;
import io.radflow.worker.consumer.GroupOffsets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the worker benchmarks share: the bundled classifier as a model on {@code model-settings},
 * a worker's configuration, INSTANCE jobs over one stored file, and a {@code read_committed}
 * reader of predictions that starts at the end.
 */
public final class BenchJobs {

    private BenchJobs() {
    }

    /** A benchmark's stores: the DICOM file in the content store, the bundled classifier in the artifact store. */
    record Stores(Path contentDir, Path artifactDir, StoredContent dicom, Path modelFile, StoredContent model, DicomAttributes attrs) {

        static Stores in(Path dir, Path dicomFile) throws IOException {
            Path contentDir = dir.resolve("content");
            Path artifactDir = dir.resolve("artifacts");
            StoredContent dicom = new FileContentStore(contentDir).put(dicomFile);
            Path modelFile = dir.resolve("classifier.onnx");
            try (InputStream in = BenchJobs.class.getResourceAsStream(WorkerBenchmark.MODEL_RESOURCE)) {
                Files.copy(in, modelFile, StandardCopyOption.REPLACE_EXISTING);
            }
            return new Stores(contentDir, artifactDir, dicom, modelFile, new FileContentStore(artifactDir).put(modelFile),
                    DicomReader.headerOnly().read(dicomFile).attributes());
        }
    }

    /** The bundled two-class classifier as version 1 of {@code modelId}, batched by {@code batch}. */
    public static ModelSettings model(String modelId, StoredContent artifact, int batch) {
        LabelClass normal = LabelClass.newBuilder().setClassIndex(0).setLabelId("L_0").setName("class 0").setType(LabelType.GLOBAL)
                .setScope(Scope.INSTANCE).build();
        LabelClass other = LabelClass.newBuilder(normal).setClassIndex(1).setLabelId("L_1").setName("class 1").build();
        ModelVersion version = ModelVersion.newBuilder().setVersion(1).setRuntime(RuntimeKind.ONNX).setScope(Scope.INSTANCE)
                .setInputType(InputType.DICOM).setDevice(Device.CPU)
                .setArtifact(new Artifact(artifact.uri().toString(), artifact.sha256(), artifact.sizeBytes(), "classifier.onnx"))
                .setLabelClasses(List.of(normal, other)).setBatching(new Batching(batch, batch == 1 ? 0 : 50))
                .setCreatedAt(Instant.now()).build();
        return ModelSettings.newBuilder().setModelId(modelId).setProjectId("bench").setOwnerId("bench").setName(modelId)
                .setLibrary(ModelLibrary.ONNX).setFileType(ModelFileType.ONNX).setVersions(List.of(version)).setCreatedAt(Instant.now())
                .setUpdatedAt(Instant.now()).build();
    }

    /** A one-thread worker of its own group on this cluster, reading from these stores. */
    public static RadflowConfig workerConfig(RadflowConfig common, String group, int intraOpThreads, int maxInFlight, Path contentDir,
                                      Path artifactDir, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>();
        values.put(CommonConfig.KAFKA_BOOTSTRAP_SERVERS.name(), common.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS));
        values.put(CommonConfig.SCHEMA_REGISTRY_URL.name(), common.get(CommonConfig.SCHEMA_REGISTRY_URL).toString());
        values.put(CommonConfig.METRICS_PORT.name(), "-1");
        values.put(WorkerConfig.WORKER_ID.name(), group);
        values.put(WorkerConfig.GROUP_ID.name(), group);
        values.put(WorkerConfig.THREADS.name(), "1");
        values.put(WorkerConfig.ONNX_INTRA_OP_THREADS.name(), Integer.toString(intraOpThreads));
        values.put(WorkerConfig.MAX_IN_FLIGHT.name(), Integer.toString(maxInFlight));
        values.put(StorageConfig.CONTENT_STORE_DIR.name(), contentDir.toString());
        values.put(StorageConfig.ARTIFACT_STORE_DIR.name(), artifactDir.toString());
        values.putAll(extra);
        return RadflowConfig.load(WorkerConfig.FULL, ConfigSource.of("bench", values));
    }

    public static ContentRef content(StoredContent dicom) {
        return ContentRef.newBuilder().setUri(dicom.uri().toString()).setSizeBytes(dicom.sizeBytes()).setSha256(dicom.sha256()).build();
    }

    /** An INSTANCE job of {@code modelId} over the file {@code ref} holds. */
    public static InferenceJob job(String jobId, String modelId, ContentRef ref, DicomAttributes attrs, String runId) {
        return InferenceJob.newBuilder().setJobId(jobId).setProjectId("bench").setDatasetId("bench").setModelId(modelId)
                .setModelVersion(1).setScope(Scope.INSTANCE).setScopeUid(attrs.sopInstanceUid())
                .setStudyInstanceUid(attrs.studyInstanceUid())
                .setInstances(List.of(JobInstance.newBuilder().setStudyInstanceUid(attrs.studyInstanceUid())
                        .setSeriesInstanceUid(attrs.seriesInstanceUid()).setSopInstanceUid(attrs.sopInstanceUid())
                        .setContent(ref).setUploadedAt(Instant.now()).build()))
                .setTrigger(JobTrigger.MANUAL).setCreatedAt(Instant.now()).setRunId(runId).build();
    }

    /** Predictions as a downstream consumer sees them ({@code read_committed}), from now on. */
    public static KafkaConsumer<String, Prediction> predictionReader(RadflowConfig common, TopicSerdes serdes) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", common.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS));
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", false);
        KafkaConsumer<String, Prediction> c = new KafkaConsumer<>(props, new StringDeserializer(),
                serdes.valueDeserializer(TopicCatalog.PREDICTIONS));
        List<TopicPartition> parts = c.partitionsFor(TopicCatalog.PREDICTIONS.name(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        c.assign(parts);
        c.seekToEnd(parts);
        parts.forEach(c::position); // resolve now, before any job is submitted
        return c;
    }

    /** Starts {@code group} at the end of these topics, so a new worker skips what earlier runs left. */
    public static void startGroupAtEnd(RadflowConfig common, String group, Topic<?, ?>... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", common.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS)))) {
            for (Topic<?, ?> topic : topics) {
                GroupOffsets.startAtEnd(admin, group, topic.name());
            }
        }
    }

    public static <V> void send(KafkaProducer<String, byte[]> producer, TopicSerdes serdes, Topic<String, V> topic, String key, V value) {
        producer.send(new ProducerRecord<>(topic.name(), key, serdes.valueSerializer(topic).serialize(topic.name(), value)));
    }
}
