package io.radflow.bench.trigger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Bytes;

/**
 * What a Kafka Streams app's state cost, read back from its changelog topics as a {@code read_committed}
 * consumer sees them: every record written (what the app paid per event: each one produced, replicated
 * and replayed on restore) and the latest value per key (what the state holds, once compacted). Key and
 * value bytes only, no record or batch overhead.
 *
 * @param records        changelog records written, tombstones included
 * @param bytes          their key and value bytes
 * @param compactedBytes key and value bytes of the latest record per key, tombstoned keys left out
 */
record ChangelogSize(long records, long bytes, long compactedBytes) {

    /** Reads every changelog topic of application {@code applicationId} to its end. */
    static ChangelogSize of(String bootstrapServers, String applicationId) throws Exception {
        List<String> topics;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            topics = admin.listTopics().names().get().stream()
                    .filter(n -> n.startsWith(applicationId + "-") && n.endsWith("-changelog")).toList();
        }
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-changelog-" + UUID.randomUUID());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        long records = 0;
        long bytes = 0;
        Map<TopicPartition, Map<Bytes, Integer>> latest = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // read_committed end offsets: the last stable offset, so this stops at what was committed.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("changelogs of " + applicationId + " not read to their end within 2 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    int size = r.key().length + (r.value() == null ? 0 : r.value().length);
                    records++;
                    bytes += size;
                    Map<Bytes, Integer> keys = latest.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), p -> new HashMap<>());
                    if (r.value() == null) {
                        keys.remove(Bytes.wrap(r.key()));
                    } else {
                        keys.put(Bytes.wrap(r.key()), size);
                    }
                }
            }
        }
        long compacted = latest.values().stream().flatMap(m -> m.values().stream()).mapToLong(Integer::longValue).sum();
        return new ChangelogSize(records, bytes, compacted);
    }

    /** One line: per {@code per} events of {@code events}. */
    String describe(long events, long per) {
        double scale = (double) per / events;
        return String.format("%,.0f changelog records, %,.0f KB written; %,.0f KB after compaction (latest value per key)",
                records * scale, bytes * scale / 1024, compactedBytes * scale / 1024);
    }
}
