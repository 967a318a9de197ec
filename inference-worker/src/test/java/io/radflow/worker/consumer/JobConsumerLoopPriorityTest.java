package io.radflow.worker.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fresh auto-run jobs before run jobs, on Kafka's mock clients: the runs' partition waits while fresh work is in flight. */
class JobConsumerLoopPriorityTest {

    private static final TopicPartition FRESH = new TopicPartition("inference-jobs", 0);
    private static final TopicPartition RUNS = new TopicPartition("run-jobs", 0);

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final Outcomes outcomes = new Outcomes();
    /** Jobs handed to the pipeline that have not finished, in the order they came. */
    private final List<ConsumedJob> running = new CopyOnWriteArrayList<>();
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private final JobConsumerLoop loop = new JobConsumerLoop(consumer, new TransactionalPublisher(
            () -> new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer())),
            new JobTopics(FRESH.topic(), RUNS.topic(), 2), new WorkerMetrics(new SimpleMeterRegistry()), 100, Duration.ofMillis(10),
            outcomes, JobHandlers.accepting((job, value) -> {
                accepted.add(job.key());
                running.add(job);
            }));
    private final Thread thread = new Thread(loop, "job-consumer-loop-priority-test");

    @AfterEach
    void stop() throws InterruptedException {
        loop.stop();
        thread.join(10_000);
    }

    private void finish(String key) {
        ConsumedJob job = running.stream().filter(j -> j.key().equals(key)).findFirst().orElseThrow();
        running.remove(job);
        outcomes.completed(new JobOutcome(job, List.of(new ProducerRecord<>("job-status", key, new byte[0])), "m", 1,
                WorkerMetrics.SUCCEEDED));
    }

    @Test
    void shouldTakeRunJobsOnlyWhileNoFreshJobIsInFlightAndAFewAtATime() {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(FRESH, RUNS));
            consumer.updateBeginningOffsets(Map.of(FRESH, 0L, RUNS, 0L));
            consumer.addRecord(new ConsumerRecord<>(FRESH.topic(), 0, 0, "fresh-0", new byte[0]));
        });
        thread.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> accepted.contains("fresh-0"));
        await().atMost(Duration.ofSeconds(10)).until(() -> consumer.paused().contains(RUNS));
        for (int i = 0; i < 4; i++) {
            int n = i;
            consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(RUNS.topic(), 0, n, "run-" + n, new byte[0])));
        }
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(FRESH.topic(), 0, 1, "fresh-1", new byte[0])));
        await().atMost(Duration.ofSeconds(10)).until(() -> accepted.contains("fresh-1"));
        assertThat(accepted).as("no run job while fresh ones are in flight").noneMatch(k -> k.startsWith("run-"));

        finish("fresh-0");
        finish("fresh-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> accepted.stream().anyMatch(k -> k.startsWith("run-")));
        await().atMost(Duration.ofSeconds(10)).until(() -> consumer.paused().contains(RUNS));
        assertThat(accepted.stream().filter(k -> k.startsWith("run-")).toList())
                .as("run jobs resume once the fresh ones are done, two at a time (the cap)").containsExactly("run-0", "run-1");

        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(FRESH.topic(), 0, 2, "fresh-2", new byte[0])));
        await("a fresh job is taken while run jobs run").atMost(Duration.ofSeconds(10)).until(() -> accepted.contains("fresh-2"));
        List.copyOf(running).stream().filter(j -> j.key().startsWith("run-")).forEach(j -> finish(j.key()));
        long runsBefore = accepted.stream().filter(k -> k.startsWith("run-")).count();
        assertThat(consumer.paused()).as("the fresh job still runs: runs wait").contains(RUNS);
        // The loop sought back to run-2; a broker fetches it again from there, the mock needs to be given it again.
        for (int i = 2; i < 4; i++) {
            int n = i;
            consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(RUNS.topic(), 0, n, "run-" + n, new byte[0])));
        }
        finish("fresh-2");
        await().atMost(Duration.ofSeconds(10)).until(() -> accepted.stream().filter(k -> k.startsWith("run-")).count() == 4);
        assertThat(runsBefore).as("run-2 and run-3 waited for fresh-2").isEqualTo(2);
        assertThat(accepted).endsWith("run-2", "run-3");
    }
}
