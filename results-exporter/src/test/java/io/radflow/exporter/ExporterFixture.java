package io.radflow.exporter;

import io.radflow.common.config.RadflowConfig;
import io.radflow.content.FileContentStore;
import io.radflow.content.StoredContent;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.ExportDestination;
import io.radflow.schemas.avro.ExportDestinationKind;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobFailure;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.JobTrigger;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.OutputType;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.schemas.avro.ResultsExported;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.Events;
import io.radflow.testsupport.TestStack;
import io.radflow.testsupport.TopicReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The exporter's surroundings on the real test stack: the model and project settings, a content
 * store holding the source instances, and what a worker would publish for a finished job.
 */
final class ExporterFixture implements AutoCloseable {

    final TestStack stack = TestStack.get();
    final TopicSerdes serdes = new TopicSerdes(new HttpSchemaRegistryClient(SchemaRegistrySettings.of(
            java.net.URI.create(stack.schemaRegistryUrl()))), true);
    final KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", stack.bootstrapServers(),
            "acks", "all"), new StringSerializer(), new ByteArraySerializer());
    final Path contentDir;
    final Path secretsDir;
    final FileContentStore store;

    ExporterFixture(Path dir) throws Exception {
        contentDir = Files.createDirectories(dir.resolve("content"));
        secretsDir = Files.createDirectories(dir.resolve("secrets"));
        store = new FileContentStore(contentDir);
    }

    RadflowConfig config(String group, Map<String, String> extra) {
        return stack.config(ExporterConfig.FULL, settings(group, extra));
    }

    /** The exporter's settings on this stack, as a properties file or {@link #config} holds them. */
    Map<String, String> settings(String group, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>();
        values.put(ExporterConfig.GROUP_ID.name(), group);
        values.put(ExporterConfig.EXPORTER_ID.name(), group + "-1");
        values.put("content.store.dir", contentDir.toString());
        values.put(ExporterConfig.SECRETS_DIR.name(), secretsDir.toString());
        values.put(ExporterConfig.RETRY_MAX_ATTEMPTS.name(), "3");
        values.put(ExporterConfig.RETRY_INITIAL_BACKOFF.name(), "200ms");
        values.put(ExporterConfig.HTTP_TIMEOUT.name(), "10s");
        values.putAll(extra);
        values.put("kafka.bootstrap.servers", stack.bootstrapServers());
        values.put("schema.registry.url", stack.schemaRegistryUrl());
        return values;
    }

    /** A model whose version 1 asks for export, with the fixtures' label classes. */
    ModelSettings exportingModel(String modelId, String projectId) throws Exception {
        ModelSettings model = Events.model(modelId, projectId, Scope.SERIES, ExportFixtures.DONE);
        ModelVersion v = ModelVersion.newBuilder(model.getVersions().get(0)).setLabelClasses(ExportFixtures.LABELS)
                .setExportResults(true).build();
        model.setVersions(List.of(v));
        model.setName("liver-ai");
        send(TopicCatalog.MODEL_SETTINGS, modelId, model);
        return model;
    }

    void project(String projectId, ExportDestination destination) throws Exception {
        ProjectSettings p = Events.project(projectId, ExportFixtures.DONE);
        p.setExportDestination(destination);
        send(TopicCatalog.PROJECT_SETTINGS, projectId, p);
    }

    static ExportDestination stow(String url, String secret) {
        return ExportDestination.newBuilder().setKind(ExportDestinationKind.STOW_RS).setUrl(url).setAuthSecret(secret).build();
    }

    JobInstance instance(Path file) throws Exception {
        StoredContent stored = store.put(file);
        SourceImage s = ExportFixtures.source(file);
        return JobInstance.newBuilder().setStudyInstanceUid(s.studyInstanceUid()).setSeriesInstanceUid(s.seriesInstanceUid())
                .setSopInstanceUid(s.sopInstanceUid()).setNumberOfFrames(s.numberOfFrames())
                .setContent(ContentRef.newBuilder().setUri(stored.uri().toString()).setSizeBytes(stored.sizeBytes()).build())
                .setUploadedAt(ExportFixtures.DONE).build();
    }

    ContentRef content(Path file) {
        StoredContent stored = store.put(file);
        return ContentRef.newBuilder().setUri(stored.uri().toString()).setSizeBytes(stored.sizeBytes()).build();
    }

    /** What a worker publishes for a succeeded job: the job (as the trigger did), its predictions and its status. */
    void finishedJob(String projectId, String modelId, JobInstance instance, List<Prediction> predictions) throws Exception {
        String jobId = predictions.get(0).getJobId();
        InferenceJob job = InferenceJob.newBuilder().setJobId(jobId).setProjectId(projectId).setDatasetId("dataset-1")
                .setModelId(modelId).setModelVersion(1).setScope(Scope.SERIES).setScopeUid(instance.getSeriesInstanceUid())
                .setStudyInstanceUid(instance.getStudyInstanceUid()).setInstances(List.of(instance))
                .setTrigger(JobTrigger.COMPLETION_MARKER).setCreatedAt(ExportFixtures.DONE).build();
        send(TopicCatalog.INFERENCE_JOBS, jobId, job);
        for (Prediction p : predictions) {
            Prediction own = Prediction.newBuilder(p).setProjectId(projectId).setModelId(modelId).setModelVersion(1).build();
            send(TopicCatalog.PREDICTIONS, own.getStudyInstanceUid(), own);
        }
        succeeded(jobId, modelId, predictions.size());
    }

    void succeeded(String jobId, String modelId, int predictionCount) throws Exception {
        send(TopicCatalog.JOB_STATUS, jobId, JobStatus.newBuilder().setJobId(jobId).setState(JobState.SUCCEEDED).setModelId(modelId)
                .setModelVersion(1).setScope(Scope.SERIES).setPredictionCount(predictionCount).setJobCreatedAt(ExportFixtures.DONE)
                .setFinishedAt(ExportFixtures.DONE).setUpdatedAt(ExportFixtures.DONE).build());
    }

    static Prediction dicomOutput(String jobId, int index, SourceImage source, ContentRef content) {
        return Prediction.newBuilder(ExportFixtures.prediction(jobId, index, source, null, null, null, null))
                .setType(OutputType.DICOM).setDicomContent(content).build();
    }

    <V> void send(Topic<String, V> topic, String key, V value) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key, serdes.valueSerializer(topic).serialize(topic.name(), value)))
                .get(30, TimeUnit.SECONDS);
    }

    TopicReader<String, ResultsExported> exportedReader() {
        return new TopicReader<>(stack.bootstrapServers(), TopicCatalog.RESULTS_EXPORTED.name(), new StringDeserializer(),
                serdes.valueDeserializer(TopicCatalog.RESULTS_EXPORTED));
    }

    TopicReader<String, JobFailure> deadLetterReader() {
        return new TopicReader<>(stack.bootstrapServers(), TopicCatalog.RESULTS_EXPORT_DLQ.name(), new StringDeserializer(),
                serdes.valueDeserializer(TopicCatalog.RESULTS_EXPORT_DLQ));
    }

    @Override
    public void close() {
        producer.close();
    }
}
