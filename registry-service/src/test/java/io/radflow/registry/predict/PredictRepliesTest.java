package io.radflow.registry.predict;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.registry.RegistryMetrics;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.OutputType;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.Provenance;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reply reader alone, over a MockConsumer: what completes a waiting request, and what does not. */
class PredictRepliesTest {

    private static final TopicPartition PREDICTIONS = new TopicPartition(TopicCatalog.PREDICTIONS.name(), 0);
    private static final TopicPartition STATUS = new TopicPartition(TopicCatalog.JOB_STATUS.name(), 0);

    private final Map<String, Object> values = new ConcurrentHashMap<>();
    private MockConsumer<String, byte[]> consumer;
    private PredictReplies replies;
    private long offset = 10;

    @BeforeEach
    void start() {
        consumer = new MockConsumer<>("latest");
        consumer.updatePartitions(PREDICTIONS.topic(), List.of(new PartitionInfo(PREDICTIONS.topic(), 0, null, null, null)));
        consumer.updatePartitions(STATUS.topic(), List.of(new PartitionInfo(STATUS.topic(), 0, null, null, null)));
        consumer.updateEndOffsets(Map.of(PREDICTIONS, 10L, STATUS, 10L));
        replies = new PredictReplies(consumer, lookup(), lookup(), new RegistryMetrics(new SimpleMeterRegistry()));
    }

    @AfterEach
    void stop() {
        replies.close();
    }

    @Test
    void shouldWaitForEveryCountedPredictionWhenTheStatusComesFirst() throws Exception {
        CompletableFuture<PredictReplies.Outcome> f = replies.await("job-1");
        send(STATUS, "job-1", status("job-1", JobState.SUCCEEDED, 2));
        send(PREDICTIONS, "study", prediction("job-1", 1));
        Thread.sleep(300);
        assertThat(f).as("one of two predictions seen").isNotDone();

        send(PREDICTIONS, "study", prediction("job-1", 0));

        PredictReplies.Outcome o = f.get(5, TimeUnit.SECONDS);
        assertThat(o.status().getState()).isEqualTo(JobState.SUCCEEDED);
        assertThat(o.predictions()).extracting(Prediction::getOutputIndex).containsExactly(0, 1);
    }

    @Test
    void shouldAnswerAFailureAndIgnoreOtherJobsAndIntermediateStates() throws Exception {
        CompletableFuture<PredictReplies.Outcome> f = replies.await("job-2");
        send(STATUS, "job-2", status("job-2", JobState.RUNNING, 0));
        send(STATUS, "job-x", status("job-x", JobState.SUCCEEDED, 0));
        send(PREDICTIONS, "study", prediction("job-x", 0));
        Thread.sleep(300);
        assertThat(f).isNotDone();

        send(STATUS, "job-2", status("job-2", JobState.FAILED, 0));

        assertThat(f.get(5, TimeUnit.SECONDS).status().getState()).isEqualTo(JobState.FAILED);
        replies.forget("job-2");
        assertThat(replies.waiting()).isZero();
        assertThat(replies.healthy()).isTrue();
    }

    private void send(TopicPartition tp, String key, Object value) {
        String id = "v" + (offset++);
        values.put(id, value);
        long at = offset;
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(tp.topic(), tp.partition(), at, key,
                id.getBytes(StandardCharsets.UTF_8))));
    }

    @SuppressWarnings("unchecked")
    private <T> Deserializer<T> lookup() {
        return (topic, bytes) -> (T) values.get(new String(bytes, StandardCharsets.UTF_8));
    }

    private static JobStatus status(String jobId, JobState state, int predictions) {
        Instant now = Instant.now();
        return JobStatus.newBuilder().setJobId(jobId).setState(state).setModelId("m").setModelVersion(1).setScope(Scope.INSTANCE)
                .setPredictionCount(predictions).setJobCreatedAt(now).setUpdatedAt(now).build();
    }

    private static Prediction prediction(String jobId, int index) {
        return Prediction.newBuilder().setPredictionId(jobId + ":" + index).setJobId(jobId).setProjectId("p").setDatasetId("predict")
                .setModelId("m").setModelVersion(1).setOutputIndex(index).setType(OutputType.NONE).setStudyInstanceUid("study")
                .setProvenance(provenance()).build();
    }

    private static Provenance provenance() {
        Instant now = Instant.now();
        return Provenance.newBuilder().setWorkerId("w").setRuntime(RuntimeKind.ONNX).setDevice(Device.CPU).setUploadedAt(now)
                .setJobCreatedAt(now).setStartedAt(now).setCompletedAt(now).build();
    }
}
