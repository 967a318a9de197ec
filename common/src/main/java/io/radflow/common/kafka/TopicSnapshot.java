package io.radflow.common.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Reads every record of a topic that is there when the read starts, without a consumer group
 * (nobody's offsets move): for tools that look at a topic as a whole, such as a latest value per
 * key of a compacted topic. Records that arrive during the read may or may not be included.
 */
public final class TopicSnapshot {

    private static final Duration POLL = Duration.ofMillis(500);

    private TopicSnapshot() {
    }

    /**
     * @throws TimeoutException when the topic's partitions cannot be listed or it is not read
     *         to its end within {@code timeout}
     */
    public static <K, V> void read(org.apache.kafka.clients.consumer.Consumer<K, V> consumer, String topic, Duration timeout,
                                   Consumer<ConsumerRecord<K, V>> each) {
        read(consumer, topic, null, timeout, each);
    }

    /** The same, from the first record at or after {@code since} (null: from the beginning). */
    public static <K, V> void read(org.apache.kafka.clients.consumer.Consumer<K, V> consumer, String topic, Instant since,
                                   Duration timeout, Consumer<ConsumerRecord<K, V>> each) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        if (since != null) {
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(tp -> times.put(tp, since.toEpochMilli()));
            consumer.offsetsForTimes(times, timeout).forEach((tp, found) -> {
                if (found == null) {
                    consumer.seekToEnd(List.of(tp)); // nothing that recent
                } else {
                    consumer.seek(tp, found.offset());
                }
            });
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(consumer, end)) {
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("could not read " + topic + " to its end within " + timeout.toSeconds() + " s");
            }
            consumer.poll(POLL).forEach(each);
        }
    }

    private static boolean reached(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
