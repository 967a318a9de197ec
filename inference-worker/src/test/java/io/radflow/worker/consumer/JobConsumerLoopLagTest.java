package io.radflow.worker.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.radflow.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The consumer lag gauge as Prometheus scrapes it: one series per jobs topic, each the lag of this
 * worker's partitions of that topic, which is what the KEDA ScaledObjects query per lane.
 */
class JobConsumerLoopLagTest {

    private static final TopicPartition FRESH_0 = new TopicPartition("inference-jobs", 0);
    private static final TopicPartition FRESH_1 = new TopicPartition("inference-jobs", 1);
    private static final TopicPartition RUNS = new TopicPartition("run-jobs", 0);

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final WorkerMetrics metrics = new WorkerMetrics(registry);
    private final JobTopics topics = new JobTopics(FRESH_0.topic(), RUNS.topic(), 2);
    private final JobConsumerLoop loop = new JobConsumerLoop(consumer, new TransactionalPublisher(
            () -> new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer())),
            topics, metrics, 100, Duration.ofMillis(10), new Outcomes(), JobHandlers.accepting((job, value) -> { }));
    private final Thread thread = new Thread(loop, "job-consumer-loop-lag-test");

    @AfterEach
    void stop() throws InterruptedException {
        loop.stop();
        thread.join(10_000);
    }

    @Test
    void shouldExportTheLagOfEachJobsTopicAsItsOwnSeries() {
        metrics.gauges(topics.all(), loop::lag, loop::inFlight, () -> 0);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(FRESH_0, FRESH_1, RUNS));
            consumer.updateBeginningOffsets(Map.of(FRESH_0, 0L, FRESH_1, 0L, RUNS, 0L));
            consumer.updateEndOffsets(Map.of(FRESH_0, 5L, FRESH_1, 2L, RUNS, 300L));
        });
        thread.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> loop.lag(FRESH_0.topic()) == 7);
        assertThat(loop.lag(RUNS.topic())).isEqualTo(300);
        assertThat(registry.scrape()).as("the series and labels the ScaledObjects' queries select")
                .contains("radflow_worker_consumer_lag{topic=\"inference-jobs\"} 7.0")
                .contains("radflow_worker_consumer_lag{topic=\"run-jobs\"} 300.0");
        assertThat(loop.lag("predictions")).as("a topic the worker does not read").isZero();
    }
}
