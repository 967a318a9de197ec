package io.radflow.runs.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.common.error.Reason;
import io.radflow.runs.replay.ReplayItem.Decision;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.DeadLetterHeaders;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobFailure;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.Events;
import io.radflow.testsupport.TestStack;
import io.radflow.testsupport.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Replay on the real broker and schema registry: what is published again, what is left alone, and that twice is once. */
class DeadLetterReplayIT {

    private static final TestStack STACK = TestStack.get();
    private static HttpSchemaRegistryClient registry;
    private static TopicSerdes serdes;
    private static KafkaProducer<byte[], byte[]> producer;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void connect() {
        registry = new HttpSchemaRegistryClient(SchemaRegistrySettings.from(STACK.config()));
        serdes = TopicSerdes.from(registry, STACK.config());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void close() {
        producer.close();
        registry.close();
    }

    private DeadLetterReplay replay() {
        return new DeadLetterReplay(STACK.config(), serdes, "tester");
    }

    @Test
    void shouldReplayEachFailedJobOnceAndNeverOneThatSucceededOrRunsSince() throws Exception {
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        InferenceJob succeeded = job("succeeded");
        InferenceJob failed = job("failed");
        InferenceJob neverReported = job("no-status");
        InferenceJob running = job("running");
        deadLetter(succeeded, Reason.MODEL_LOAD_FAILED, t0.plusMillis(1));
        deadLetter(failed, Reason.MODEL_LOAD_FAILED, t0.plusMillis(2));
        deadLetter(failed, Reason.MODEL_LOAD_FAILED, t0.plusMillis(3)); // the same job failed twice
        deadLetter(neverReported, Reason.MODEL_LOAD_FAILED, t0.plusMillis(4));
        deadLetter(running, Reason.MODEL_LOAD_FAILED, t0.plusMillis(5));
        send(TopicCatalog.INFERENCE_JOBS_DLQ, run + "-undecodable", JobFailure.newBuilder(failure(failed, Reason.UNDECODABLE_RECORD,
                t0.plusMillis(6))).setJobId(run + "-undecodable").setJob(null).build());
        deadLetter(job("other-reason"), Reason.INVALID_OUTPUT, t0.plusMillis(7));
        status(succeeded, JobState.SUCCEEDED);
        status(failed, JobState.FAILED);
        status(running, JobState.RUNNING);
        producer.flush();
        ReplayFilter loadFailures = new ReplayFilter(Optional.of("model_load_failed"), Optional.of(t0));
        ReplayFilter undecodable = new ReplayFilter(Optional.of(Reason.UNDECODABLE_RECORD.name()), Optional.of(t0));

        Map<String, Decision> dry = decisions(replay().replay(TopicCatalog.INFERENCE_JOBS_DLQ, loadFailures, true));
        assertThat(dry).containsExactlyInAnyOrderEntriesOf(Map.of("succeeded", Decision.SUCCEEDED_SINCE, "failed#1", Decision.SUPERSEDED,
                "failed#2", Decision.WOULD_REPLAY, "no-status", Decision.WOULD_REPLAY, "running", Decision.PENDING));
        assertThat(decisions(replay().replay(TopicCatalog.INFERENCE_JOBS_DLQ, undecodable, true)))
                .containsExactlyEntriesOf(Map.of("undecodable", Decision.NOT_REPLAYABLE));

        Map<String, Decision> first = decisions(replay().replay(TopicCatalog.INFERENCE_JOBS_DLQ, loadFailures, false));
        assertThat(first).containsEntry("failed#2", Decision.REPLAYED).containsEntry("no-status", Decision.REPLAYED)
                .containsEntry("succeeded", Decision.SUCCEEDED_SINCE).containsEntry("running", Decision.PENDING);
        Map<String, Decision> second = decisions(replay().replay(TopicCatalog.INFERENCE_JOBS_DLQ, loadFailures, false));
        assertThat(second).containsEntry("failed#2", Decision.ALREADY_REPLAYED).containsEntry("no-status", Decision.ALREADY_REPLAYED)
                .doesNotContainValue(Decision.REPLAYED);

        try (TopicReader<String, byte[]> jobs = new TopicReader<>(STACK.bootstrapServers(), TopicCatalog.INFERENCE_JOBS.name(),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<ConsumerRecord<String, byte[]>> mine = jobs.readAtLeast(2, Duration.ofSeconds(30), Duration.ofSeconds(2)).stream()
                    .filter(r -> r.key().startsWith(run)).toList();
            assertThat(mine).extracting(ConsumerRecord::key).as("each replayable job once, after two replays")
                    .containsExactlyInAnyOrder(failed.getJobId(), neverReported.getJobId());
            for (ConsumerRecord<String, byte[]> r : mine) {
                InferenceJob back = serdes.valueDeserializer(TopicCatalog.INFERENCE_JOBS).deserialize(r.topic(), r.value());
                assertThat(back).isEqualTo(r.key().equals(failed.getJobId()) ? failed : neverReported);
                assertThat(headerNames(r.headers())).contains(DeadLetterHeaders.REPLAY_OF)
                        .noneMatch(h -> h.startsWith(DeadLetterHeaders.PREFIX));
            }
        }
        try (TopicReader<String, JobStatus> statuses = new TopicReader<>(STACK.bootstrapServers(), TopicCatalog.JOB_STATUS.name(),
                new StringDeserializer(), serdes.valueDeserializer(TopicCatalog.JOB_STATUS))) {
            Map<String, JobStatus> latest = statuses.readUntil(r -> r.stream().filter(x -> x.key().equals(neverReported.getJobId()))
                    .count() == 1, Duration.ofSeconds(30)).stream().filter(r -> r.key().startsWith(run))
                    .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value, (a, b) -> b));
            assertThat(latest.get(failed.getJobId()).getState()).isEqualTo(JobState.QUEUED);
            assertThat(latest.get(neverReported.getJobId()).getMessage()).startsWith("replayed from inference-jobs-dlq/");
            assertThat(latest.get(succeeded.getJobId()).getState()).isEqualTo(JobState.SUCCEEDED);
        }
    }

    @Test
    void shouldPublishAnUploadAgainByteForByteWithItsOwnHeadersOnce() {
        Instant t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        byte[] key = ("1.2.826.0.1." + Math.abs(run.hashCode())).getBytes(StandardCharsets.UTF_8);
        byte[] value = ("an upload event of run " + run).getBytes(StandardCharsets.UTF_8);
        Headers headers = DeadLetterHeaders.builder().source(TopicCatalog.DATASET_UPLOADS.name(), 2, 41)
                .reason(Reason.UNKNOWN_PROJECT, "project 'p' does not exist").build();
        headers.add("traceparent", run.getBytes(StandardCharsets.UTF_8));
        producer.send(new ProducerRecord<>(TopicCatalog.DATASET_UPLOADS_DLQ.name(), null, t0.toEpochMilli(), key, value, headers));
        producer.flush();
        ReplayFilter filter = new ReplayFilter(Optional.of(Reason.UNKNOWN_PROJECT.name()), Optional.of(t0));

        List<ReplayItem> first = replay().replay(TopicCatalog.DATASET_UPLOADS_DLQ, filter, false);
        List<ReplayItem> second = replay().replay(TopicCatalog.DATASET_UPLOADS_DLQ, filter, false);

        assertThat(first).extracting(ReplayItem::decision).containsExactly(Decision.REPLAYED);
        assertThat(first.get(0).detail()).isEqualTo("to dataset-uploads");
        assertThat(second).extracting(ReplayItem::decision).containsExactly(Decision.ALREADY_REPLAYED);
        try (TopicReader<byte[], byte[]> uploads = new TopicReader<>(STACK.bootstrapServers(), TopicCatalog.DATASET_UPLOADS.name(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<ConsumerRecord<byte[], byte[]>> mine = uploads.readAtLeast(1, Duration.ofSeconds(30), Duration.ofSeconds(2)).stream()
                    .filter(r -> Arrays.equals(r.value(), value)).toList();
            assertThat(mine).hasSize(1);
            assertThat(mine.get(0).key()).isEqualTo(key);
            assertThat(headerNames(mine.get(0).headers())).containsExactlyInAnyOrder("traceparent", DeadLetterHeaders.REPLAY_OF);
        }
    }

    @Test
    void shouldRefuseATopicThatHoldsNoDeadLetters() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> replay().replay(TopicCatalog.PREDICTIONS, ReplayFilter.ALL, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot replay predictions")
                .hasMessageContaining("inference-jobs-dlq");
    }

    /** Decisions by job name (the part after the run id); a job with several dead letters gets #1, #2, ... */
    private Map<String, Decision> decisions(List<ReplayItem> items) {
        Map<String, Decision> out = new java.util.LinkedHashMap<>();
        for (ReplayItem i : items) {
            if (i.key() != null && i.key().startsWith(run)) {
                String name = i.key().substring(run.length() + 1);
                if (items.stream().filter(x -> i.key().equals(x.key())).count() > 1) {
                    name += "#" + (items.stream().filter(x -> i.key().equals(x.key())).toList().indexOf(i) + 1);
                }
                out.put(name, i.decision());
            }
        }
        return out;
    }

    private InferenceJob job(String name) {
        String sop = "1.2.826.0.1.3680043.8." + Math.abs((run + name).hashCode());
        return Events.job(run + "-" + name, "project-" + run, "model-" + run, 1, Scope.INSTANCE, sop,
                List.of(Events.jobInstance("1.2.826.0.1.3680043.8.1", "1.2.826.0.1.3680043.8.1.1", sop, Events.content(sop))));
    }

    private static JobFailure failure(InferenceJob job, Reason reason, Instant at) {
        return JobFailure.newBuilder().setJobId(job.getJobId()).setReason(reason.name()).setRetriable(false)
                .setMessage("it failed: " + reason).setAttempts(1).setSourceTopic(TopicCatalog.INFERENCE_JOBS.name())
                .setSourcePartition(0).setSourceOffset(7).setModelId(job.getModelId()).setModelVersion(job.getModelVersion())
                .setJob(job).setWorkerId("worker-1").setFailedAt(at).build();
    }

    private void deadLetter(InferenceJob job, Reason reason, Instant at) throws Exception {
        send(TopicCatalog.INFERENCE_JOBS_DLQ, job.getJobId(), failure(job, reason, at));
    }

    private void status(InferenceJob job, JobState state) throws Exception {
        send(TopicCatalog.JOB_STATUS, job.getJobId(), JobStatus.newBuilder().setJobId(job.getJobId()).setState(state)
                .setModelId(job.getModelId()).setModelVersion(1).setScope(Scope.INSTANCE).setJobCreatedAt(job.getCreatedAt())
                .setUpdatedAt(Instant.now()).build());
    }

    private <V> void send(Topic<String, V> topic, String key, V value) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key.getBytes(StandardCharsets.UTF_8),
                serdes.valueSerializer(topic).serialize(topic.name(), value))).get();
    }

    private static List<String> headerNames(Headers headers) {
        return StreamSupport.stream(headers.spliterator(), false).map(Header::key).toList();
    }
}
