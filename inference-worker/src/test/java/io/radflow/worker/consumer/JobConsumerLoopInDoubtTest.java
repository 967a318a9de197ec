package io.radflow.worker.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A transaction whose commit timed out, on Kafka's MockConsumer and MockProducer (a real broker
 * cannot be made to time out a commit that it then applies): the loop must not send the outcomes
 * again before it knows whether that commit went through.
 */
class JobConsumerLoopInDoubtTest {

    private static final String TOPIC = "inference-jobs";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    private final List<MockProducer<String, byte[]>> producers = new CopyOnWriteArrayList<>();
    /** How many more times reading the committed offsets fails (the coordinator still away). */
    private final AtomicInteger lookupFailures = new AtomicInteger(2);
    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest") {
        @Override
        public synchronized Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout) {
            if (lookupFailures.getAndDecrement() > 0) {
                throw new TimeoutException("timed out fetching committed offsets");
            }
            return super.committed(partitions, timeout);
        }
    };
    private final TransactionalPublisher publisher = new TransactionalPublisher(() -> {
        MockProducer<String, byte[]> p = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        if (producers.isEmpty()) {
            p.commitTransactionException = new TimeoutException("commit timed out");
        }
        producers.add(p);
        return p;
    });
    private final Outcomes outcomes = new Outcomes();
    // Every job finishes at once with one prediction record named after it.
    private final JobConsumerLoop loop = new JobConsumerLoop(consumer, publisher, JobTopics.only(TOPIC),
            new WorkerMetrics(new SimpleMeterRegistry()), 10, Duration.ofMillis(10), outcomes, JobHandlers.accepting((job, value) -> outcomes.completed(new JobOutcome(job,
                    List.of(new ProducerRecord<>("predictions", job.key(), value)), "model", 1, WorkerMetrics.SUCCEEDED))));
    private final Thread thread = new Thread(loop, "job-consumer-loop-test");

    @AfterEach
    void stop() throws InterruptedException {
        loop.stop();
        thread.join(10_000);
    }

    private void start() {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(PARTITION));
            consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, "job-0", new byte[] {0}));
        });
        thread.start();
    }

    private static List<String> keys(List<ProducerRecord<String, byte[]>> records) {
        return records.stream().map(ProducerRecord::key).toList();
    }

    @Test
    void shouldNotSendTheOutcomesAgainUntilItKnowsTheCommitInDoubtWentThrough() {
        start();
        // The first producer's commit timed out; the loop started a second one to settle it.
        await().atMost(Duration.ofSeconds(10)).until(() -> producers.size() == 2);
        assertThat(keys(producers.get(0).uncommittedRecords())).containsExactly("job-0");
        // ...and the commit had in fact reached the coordinator: the group's offset moved past job-0.
        consumer.commitSync(Map.of(PARTITION, new OffsetAndMetadata(1)));

        await().atMost(Duration.ofSeconds(10)).until(() -> loop.inFlight() == 0);
        assertThat(producers).hasSize(2);
        assertThat(producers.get(1).history()).as("job-0 was not published again").isEmpty();
        assertThat(producers.get(1).uncommittedRecords()).isEmpty();
        assertThat(lookupFailures.get()).as("both failed lookups were waited out").isNegative();

        // The loop goes on with the next job as usual.
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 1, "job-1", new byte[] {1})));
        await().atMost(Duration.ofSeconds(10)).until(() -> !producers.get(1).history().isEmpty());
        assertThat(keys(producers.get(1).history())).containsExactly("job-1");
        assertThat(loop.healthy()).isTrue();
    }

    @Test
    void shouldSendTheOutcomesAgainWhenTheCommitInDoubtDidNotGoThrough() {
        start();
        await().atMost(Duration.ofSeconds(10)).until(() -> producers.size() == 2);

        await().atMost(Duration.ofSeconds(10)).until(() -> !producers.get(1).history().isEmpty());
        assertThat(keys(producers.get(1).history())).containsExactly("job-0");
        assertThat(producers.get(1).consumerGroupOffsetsHistory()).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> loop.inFlight() == 0);
    }
}
