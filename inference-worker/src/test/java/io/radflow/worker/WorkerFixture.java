package io.radflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.common.config.RadflowConfig;
import io.radflow.content.FileContentStore;
import io.radflow.content.StorageConfig;
import io.radflow.content.StoredContent;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.Artifact;
import io.radflow.schemas.avro.Batching;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.HttpEndpoint;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.InputType;
import io.radflow.schemas.avro.JobFailure;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.Events;
import io.radflow.testsupport.TestStack;
import io.radflow.worker.consumer.GroupOffsets;
import io.radflow.worker.runtime.http.V7Server;
import io.micrometer.core.instrument.MeterRegistry;
import io.radflow.testsupport.TopicReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the worker integration tests share: stores in a temporary directory, models registered on
 * the real {@code model-settings} topic, jobs produced to the real {@code inference-jobs} topic,
 * and {@code read_committed} readers of the worker's output topics. Each test class uses its own
 * ids, group and run prefix, so classes sharing the broker do not see each other's jobs.
 */
public final class WorkerFixture implements AutoCloseable {

    public final TestStack stack = TestStack.get();
    public final String run = UUID.randomUUID().toString().substring(0, 8);
    public final Path contentDir;
    public final Path artifactDir;
    public final FileContentStore content;
    public final FileContentStore artifacts;
    private final HttpSchemaRegistryClient registry;
    private final TopicSerdes serdes;
    private final KafkaProducer<String, byte[]> producer;

    public WorkerFixture(Path dir) throws IOException {
        contentDir = Files.createDirectories(dir.resolve("content"));
        artifactDir = Files.createDirectories(dir.resolve("artifacts"));
        content = new FileContentStore(contentDir);
        artifacts = new FileContentStore(artifactDir);
        registry = new HttpSchemaRegistryClient(SchemaRegistrySettings.of(java.net.URI.create(stack.schemaRegistryUrl())));
        serdes = new TopicSerdes(registry, true);
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", stack.bootstrapServers(), "acks", "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Worker configuration pointing at the test stack and this fixture's stores. */
    public RadflowConfig config(String group, String workerId, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(workerSettings(group, workerId));
        values.putAll(extra);
        return stack.config(WorkerConfig.FULL, values);
    }

    public Map<String, String> workerSettings(String group, String workerId) {
        Map<String, String> values = new HashMap<>();
        values.put(WorkerConfig.GROUP_ID.name(), group);
        values.put(WorkerConfig.WORKER_ID.name(), workerId);
        values.put(StorageConfig.CONTENT_STORE_DIR.name(), contentDir.toString());
        values.put(StorageConfig.ARTIFACT_STORE_DIR.name(), artifactDir.toString());
        values.put("metrics.port", "-1");
        values.put(WorkerConfig.ONNX_INTRA_OP_THREADS.name(), "1");
        values.put(WorkerConfig.COMMIT_INTERVAL.name(), "50ms");
        return values;
    }

    /**
     * Starts {@code group} at the current end of {@code inference-jobs} and {@code run-jobs}: the
     * topics are shared by every test class of this JVM, and a new group must not run the other
     * classes' jobs.
     */
    public void startGroupAtEnd(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            GroupOffsets.startAtEnd(admin, group, TopicCatalog.INFERENCE_JOBS.name());
            GroupOffsets.startAtEnd(admin, group, TopicCatalog.RUN_JOBS.name());
        }
    }

    /** A started worker of a new group {@code name-<run>} that begins at the end of the jobs topics (see {@link #startGroupAtEnd}). */
    public InferenceWorker startWorker(String name, Map<String, String> extra, MeterRegistry meters) throws Exception {
        String group = name + "-" + run;
        startGroupAtEnd(group);
        InferenceWorker worker = InferenceWorker.builder(config(group, group, extra)).meterRegistry(meters).build();
        worker.start();
        return worker;
    }

    /** Version 1 of an external HTTP model at {@code url} (V7's contract and labels), one job a batch. */
    public ModelVersion httpVersion(String url, int timeoutMs) {
        return ModelVersion.newBuilder(version(1, RuntimeKind.HTTP, null, V7Server.labels(), Map.of(), 1, 0))
                .setHttpEndpoint(new HttpEndpoint(url, timeoutMs, null)).build();
    }

    /** Stores a file in the content store and returns its claim check. */
    public ContentRef store(Path file) {
        StoredContent c = content.put(file);
        return ContentRef.newBuilder().setUri(c.uri().toString()).setContentType("application/dicom")
                .setSizeBytes(c.sizeBytes()).setSha256(c.sha256()).build();
    }

    public ContentRef store(byte[] bytes) {
        StoredContent c = content.put(new java.io.ByteArrayInputStream(bytes));
        return ContentRef.newBuilder().setUri(c.uri().toString()).setContentType("application/dicom")
                .setSizeBytes(c.sizeBytes()).setSha256(c.sha256()).build();
    }

    public Artifact artifact(Path file) {
        StoredContent c = artifacts.put(file);
        return Artifact.newBuilder().setUri(c.uri().toString()).setSha256(c.sha256()).setSizeBytes(c.sizeBytes())
                .setFileName(file.getFileName().toString()).build();
    }

    public ModelVersion version(int version, RuntimeKind runtime, Artifact artifact, List<LabelClass> labels,
                                Map<String, String> args, int maxBatch, int delayMs) {
        return ModelVersion.newBuilder().setVersion(version).setRuntime(runtime).setScope(Scope.INSTANCE)
                .setInputType(InputType.DICOM).setDevice(Device.CPU).setArtifact(artifact).setLabelClasses(labels)
                .setDefaultArgs(args).setBatching(new Batching(maxBatch, delayMs)).setCreatedAt(Instant.now()).build();
    }

    /** Publishes a model with these versions to {@code model-settings}; returns its id. */
    public String registerModel(String name, ModelVersion... versions) throws Exception {
        String modelId = run + "-" + name;
        ModelSettings m = ModelSettings.newBuilder(Events.model(modelId, "project-" + run, Scope.INSTANCE, Instant.now()))
                .setName(name).setAutoRun(false).setVersions(List.of(versions)).build();
        send(TopicCatalog.MODEL_SETTINGS, modelId, m);
        return modelId;
    }

    /** An INSTANCE job over one stored file. */
    public InferenceJob job(String modelId, int version, ContentRef ref, Path dicomFile) {
        var attrs = io.radflow.dicom.DicomReader.headerOnly().read(dicomFile).attributes();
        return job(modelId, version, ref, attrs.studyInstanceUid(), attrs.seriesInstanceUid(), attrs.sopInstanceUid());
    }

    public InferenceJob job(String modelId, int version, ContentRef ref, String study, String series, String instance) {
        String jobId = run + "-job-" + UUID.randomUUID().toString().substring(0, 12);
        return Events.job(jobId, "project-" + run, modelId, version, Scope.INSTANCE, instance,
                List.of(Events.jobInstance(study, series, instance, ref)));
    }

    public void submit(InferenceJob... jobs) throws Exception {
        for (InferenceJob j : jobs) {
            send(TopicCatalog.INFERENCE_JOBS, j.getJobId(), j);
        }
        producer.flush();
    }

    /** Raw bytes on inference-jobs, as a broken producer would write them. */
    public void submitRaw(String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(TopicCatalog.INFERENCE_JOBS.name(), key, value)).get(30, TimeUnit.SECONDS);
    }

    /** One record on a catalog topic, acknowledged. */
    public <V> void send(Topic<String, V> topic, String key, V value) throws Exception {
        Serializer<V> s = serdes.valueSerializer(topic);
        producer.send(new ProducerRecord<>(topic.name(), key, s.serialize(topic.name(), value))).get(30, TimeUnit.SECONDS);
    }

    public <V> TopicReader<String, V> reader(Topic<String, V> topic) {
        return new TopicReader<>(stack.bootstrapServers(), topic.name(), serdes.keyDeserializer(topic), serdes.valueDeserializer(topic));
    }

    /** Reads {@code topic} until {@code done} holds for the values whose key or job id is among {@code jobIds}. */
    public <V> List<V> awaitValues(Topic<String, V> topic, Set<String> jobIds, java.util.function.Function<V, String> jobIdOf,
                                   Predicate<List<V>> done, Duration timeout) {
        try (TopicReader<String, V> reader = reader(topic)) {
            List<ConsumerRecord<String, V>> records = reader.readUntil(rs -> done.test(mine(rs, jobIds, jobIdOf)), timeout);
            return mine(records, jobIds, jobIdOf);
        }
    }

    private static <V> List<V> mine(List<ConsumerRecord<String, V>> records, Set<String> jobIds, java.util.function.Function<V, String> jobIdOf) {
        List<V> out = new ArrayList<>();
        for (ConsumerRecord<String, V> r : records) {
            if (r.value() != null && jobIds.contains(jobIdOf.apply(r.value()))) {
                out.add(r.value());
            }
        }
        return out;
    }

    public List<Prediction> predictions(Set<String> jobIds, Predicate<List<Prediction>> done, Duration timeout) {
        return awaitValues(TopicCatalog.PREDICTIONS, jobIds, Prediction::getJobId, done, timeout);
    }

    public List<JobStatus> statuses(Set<String> jobIds, Predicate<List<JobStatus>> done, Duration timeout) {
        return awaitValues(TopicCatalog.JOB_STATUS, jobIds, JobStatus::getJobId, done, timeout);
    }

    public List<JobFailure> failures(Set<String> jobIds, Predicate<List<JobFailure>> done, Duration timeout) {
        return awaitValues(TopicCatalog.INFERENCE_JOBS_DLQ, jobIds, JobFailure::getJobId, done, timeout);
    }

    /** What {@link #deadLetterThenNextSucceeds} saw: the bad job's dead letter and the next job's predictions. */
    public record DeadLetterAndNext(JobFailure deadLetter, List<Prediction> nextPredictions) {
    }

    /**
     * Submits {@code bad}, then {@code next}, and checks that the worker moved on: {@code bad} has one dead
     * letter, ends FAILED with that dead letter's reason and published no prediction; {@code next} ends
     * SUCCEEDED with predictions (at least {@code expectedPredictions}).
     */
    public DeadLetterAndNext deadLetterThenNextSucceeds(InferenceJob bad, InferenceJob next, int expectedPredictions, Duration wait)
            throws Exception {
        submit(bad);
        submit(next);
        List<JobFailure> failures = failures(Set.of(bad.getJobId()), f -> !f.isEmpty(), wait);
        assertThat(failures).as("dead letters of " + bad.getJobId()).hasSize(1);
        JobFailure f = failures.get(0);
        Map<String, JobStatus> finals = finalStates(statuses(Set.of(bad.getJobId(), next.getJobId()),
                s -> finalStates(s).size() == 2, wait));
        assertThat(finals.get(bad.getJobId()).getState()).isEqualTo(JobState.FAILED);
        assertThat(finals.get(bad.getJobId()).getReason()).isEqualTo(f.getReason());
        assertThat(finals.get(next.getJobId()).getState()).as("the job after the bad one").isEqualTo(JobState.SUCCEEDED);
        List<Prediction> ps = predictions(Set.of(next.getJobId()), p -> p.size() >= expectedPredictions, wait);
        assertThat(ps).hasSizeGreaterThanOrEqualTo(Math.max(1, expectedPredictions));
        assertThat(predictions(Set.of(bad.getJobId()), p -> false, Duration.ofMillis(500))).as("nothing published for the bad job").isEmpty();
        return new DeadLetterAndNext(f, ps);
    }

    /** Final states (SUCCEEDED or FAILED) by job id. */
    public static Map<String, JobStatus> finalStates(List<JobStatus> statuses) {
        return statuses.stream().filter(s -> s.getState().name().equals("SUCCEEDED") || s.getState().name().equals("FAILED"))
                .collect(Collectors.toMap(JobStatus::getJobId, s -> s, (a, b) -> b));
    }

    public static Set<String> ids(InferenceJob... jobs) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (InferenceJob j : jobs) {
            out.add(j.getJobId());
        }
        return out;
    }

    public static void assertNoDuplicates(List<Prediction> predictions) {
        assertThat(predictions.stream().map(Prediction::getPredictionId).distinct().count())
                .as("distinct prediction ids").isEqualTo(predictions.size());
    }

    @Override
    public void close() {
        producer.close();
        registry.close();
    }
}
