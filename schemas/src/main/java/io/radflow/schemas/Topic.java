package io.radflow.schemas;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * One topic of the pipeline: its name, the Java types of its keys and values, and how it is laid
 * out. Keys are plain UTF-8 strings (IDs and UIDs) so that any tool can read and partition them;
 * values are Avro records in the Confluent wire format, or raw bytes for dead-letter topics that
 * keep undecodable input as it came.
 */
public record Topic<K, V>(String name, Class<K> keyType, Class<V> valueType, int partitions,
                          Cleanup cleanup, Optional<Long> retentionMs, String doc) {

    public enum Cleanup { DELETE, COMPACT }

    public Topic {
        Objects.requireNonNull(name);
        Objects.requireNonNull(keyType);
        Objects.requireNonNull(valueType);
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be positive: " + name);
        }
    }

    public boolean compacted() {
        return cleanup == Cleanup.COMPACT;
    }

    /** Topic-level configs the catalog prescribes. */
    public Map<String, String> configs() {
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG,
                compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
        retentionMs.ifPresent(ms -> configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(ms)));
        return configs;
    }

    public NewTopic newTopic(short replicationFactor) {
        return new NewTopic(name, partitions, replicationFactor).configs(configs());
    }

    /** Schema registry subject of the values (TopicNameStrategy). */
    public String valueSubject() {
        return name + "-value";
    }
}
