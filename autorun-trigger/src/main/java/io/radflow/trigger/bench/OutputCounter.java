package io.radflow.trigger.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Watches an output topic as a downstream read_committed consumer would and times how fast
 * committed records appear: from the first visible commit to the last expected record, so start-up
 * (group join, restoring state) counts for neither the trigger nor the baselines.
 */
final class OutputCounter {

    private final String bootstrapServers;
    private final String topic;

    OutputCounter(String bootstrapServers, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
    }

    /** What the counter saw: distinct keys, all records, and the rate after the first commit. */
    record Observed(long records, long distinctKeys, double perSecond) {
    }

    Observed await(long expected, Duration timeout) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-counter-" + UUID.randomUUID());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Set<String> keys = new HashSet<>();
            long count = 0;
            long firstAt = 0;
            long countAtFirst = 0;
            long lastAt = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count < expected && System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofMillis(50));
                if (records.isEmpty()) {
                    continue;
                }
                long now = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    count++;
                    keys.add(r.key() == null ? "" : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8));
                }
                if (firstAt == 0) {
                    firstAt = now;
                    countAtFirst = count;
                }
                lastAt = now;
            }
            if (count < expected) {
                throw new IllegalStateException("only " + count + " of " + expected + " records reached " + topic + " within " + timeout);
            }
            double seconds = (lastAt - firstAt) / 1e9;
            double rate = seconds > 0 ? (count - countAtFirst) / seconds : Double.POSITIVE_INFINITY;
            return new Observed(count, keys.size(), rate);
        }
    }
}
