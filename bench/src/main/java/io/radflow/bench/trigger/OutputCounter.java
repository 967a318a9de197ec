package io.radflow.bench.trigger;

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

    /**
     * What the counter saw: all records, distinct keys, and the rate between the moments 10% and 90%
     * of the records had become visible (start-up, the first commit and the tail count for no one).
     */
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
            long low = expected / 10;
            long high = expected - expected / 10;
            long lowAt = 0;
            long countAtLow = 0;
            long highAt = 0;
            long countAtHigh = 0;
            long startedAt = System.nanoTime();
            long deadline = startedAt + timeout.toNanos();
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
                if (lowAt == 0 && count >= low) {
                    lowAt = now;
                    countAtLow = count;
                }
                if (highAt == 0 && count >= high) {
                    highAt = now;
                    countAtHigh = count;
                }
            }
            if (count < expected) {
                throw new IllegalStateException("only " + count + " of " + expected + " records reached " + topic + " within " + timeout);
            }
            double seconds = (highAt - lowAt) / 1e9;
            if (seconds <= 0) {
                // Too few records to see them arrive over several commits: fall back to the whole run,
                // start-up included, which can only understate the rate.
                return new Observed(count, keys.size(), count / ((highAt - startedAt) / 1e9));
            }
            return new Observed(count, keys.size(), (countAtHigh - countAtLow) / seconds);
        }
    }
}
