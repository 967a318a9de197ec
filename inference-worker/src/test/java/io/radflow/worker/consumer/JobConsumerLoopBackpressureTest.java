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
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Backpressure on Kafka's mock clients: with {@code maxInFlight} jobs consumed and not committed the
 * loop pauses its partitions and fetches nothing more; as jobs finish it resumes, and every job is
 * committed in the end, none dropped.
 */
class JobConsumerLoopBackpressureTest {

    private static final TopicPartition JOBS = new TopicPartition("inference-jobs", 0);
    private static final int MAX_IN_FLIGHT = 3;

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final List<MockProducer<String, byte[]>> producers = new CopyOnWriteArrayList<>();
    private final Outcomes outcomes = new Outcomes();
    private final List<ConsumedJob> running = new CopyOnWriteArrayList<>();
    private final JobConsumerLoop loop = new JobConsumerLoop(consumer, new TransactionalPublisher(() -> {
        MockProducer<String, byte[]> p = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        producers.add(p);
        return p;
    }), JobTopics.only(JOBS.topic()), new WorkerMetrics(new SimpleMeterRegistry()), MAX_IN_FLIGHT, Duration.ofMillis(10), outcomes,
            JobHandlers.accepting((job, value) -> running.add(job)));
    private final Thread thread = new Thread(loop, "job-consumer-loop-backpressure-test");

    @AfterEach
    void stop() throws InterruptedException {
        loop.stop();
        thread.join(10_000);
    }

    private void finishAll() {
        for (ConsumedJob job : List.copyOf(running)) {
            running.remove(job);
            outcomes.completed(new JobOutcome(job, List.of(new ProducerRecord<>("job-status", job.key(), new byte[0])), "m", 1,
                    WorkerMetrics.SUCCEEDED));
        }
    }

    private void add(int from, int to) {
        for (int i = from; i < to; i++) {
            int n = i;
            consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(JOBS.topic(), 0, n, "job-" + n, new byte[0])));
        }
    }

    @Test
    void shouldStopFetchingAtMaxInFlightAndResumeWithoutDroppingAJob() throws InterruptedException {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(JOBS));
            consumer.updateBeginningOffsets(Map.of(JOBS, 0L));
        });
        add(0, MAX_IN_FLIGHT);
        thread.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> running.size() == MAX_IN_FLIGHT);
        await().atMost(Duration.ofSeconds(10)).until(() -> consumer.paused().contains(JOBS));
        assertThat(loop.inFlight()).isEqualTo(MAX_IN_FLIGHT);

        add(MAX_IN_FLIGHT, 2 * MAX_IN_FLIGHT);
        Thread.sleep(500); // polls go on while paused (the group sees a live member) but fetch nothing
        assertThat(running).as("nothing fetched while paused").hasSize(MAX_IN_FLIGHT);

        finishAll();
        await().atMost(Duration.ofSeconds(10)).until(() -> running.size() == MAX_IN_FLIGHT && !running.get(0).key().equals("job-0"));
        assertThat(running).extracting(ConsumedJob::key).containsExactly("job-3", "job-4", "job-5");
        finishAll();
        await().atMost(Duration.ofSeconds(10)).until(() -> loop.inFlight() == 0);
        assertThat(consumer.paused()).isEmpty();
        OffsetAndMetadata committed = producers.stream().flatMap(p -> p.consumerGroupOffsetsHistory().stream())
                .flatMap(m -> m.values().stream()).flatMap(o -> o.entrySet().stream()).filter(e -> e.getKey().equals(JOBS))
                .map(Map.Entry::getValue).reduce((a, b) -> b).orElseThrow();
        assertThat(committed.offset()).as("all six jobs committed, none dropped").isEqualTo(2L * MAX_IN_FLIGHT);
    }
}
