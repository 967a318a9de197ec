package io.radflow.worker.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the loop publishes for a job whose partition was revoked while the job ran, on Kafka's mock clients. */
class JobConsumerLoopRevocationTest {

    private static final String TOPIC = "inference-jobs";
    private static final TopicPartition FIRST = new TopicPartition(TOPIC, 0);
    private static final TopicPartition SECOND = new TopicPartition(TOPIC, 1);

    private final List<MockProducer<String, byte[]>> producers = new CopyOnWriteArrayList<>();
    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final Outcomes outcomes = new Outcomes();
    private final AtomicReference<ConsumedJob> running = new AtomicReference<>();
    // "slow-*" jobs keep running (a long model call); the others finish at once.
    private final JobConsumerLoop loop = new JobConsumerLoop(consumer, new TransactionalPublisher(() -> {
        MockProducer<String, byte[]> p = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        producers.add(p);
        return p;
    }), JobTopics.only(TOPIC), new WorkerMetrics(new SimpleMeterRegistry()), 10, Duration.ofMillis(10), outcomes, JobHandlers.accepting((job, value) -> {
        if (job.key().startsWith("slow-")) {
            running.set(job);
        } else {
            outcomes.completed(new JobOutcome(job, List.of(new ProducerRecord<>("job-status", job.key(), "SUCCEEDED".getBytes())),
                    "model", 1, WorkerMetrics.SUCCEEDED));
        }
    }));
    private final Thread thread = new Thread(loop, "job-consumer-loop-test");

    @AfterEach
    void stop() throws InterruptedException {
        loop.stop();
        thread.join(10_000);
    }

    @Test
    void shouldDropTheStatusOfAJobWhosePartitionWasRevokedMeanwhile() {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(FIRST));
            consumer.updateBeginningOffsets(Map.of(FIRST, 0L, SECOND, 0L));
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, "slow-0", new byte[0]));
        });
        thread.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> running.get() != null);

        // The group moves the slow job's partition to another worker, which runs the job from now on...
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(SECOND)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !running.get().current());
        // ...while this worker's executor, still in the job, reports it RUNNING.
        outcomes.publish(running.get(), new ProducerRecord<>("job-status", "slow-0", "RUNNING".getBytes()));
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(TOPIC, 1, 0, "fast-1", new byte[0])));

        await().atMost(Duration.ofSeconds(10)).until(() -> !producers.get(producers.size() - 1).history().isEmpty());
        List<String> published = producers.stream().flatMap(p -> p.history().stream()).map(r -> r.key() + " " + new String(r.value()))
                .toList();
        assertThat(published).containsExactly("fast-1 SUCCEEDED");
    }
}
