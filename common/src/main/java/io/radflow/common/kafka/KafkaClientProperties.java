package io.radflow.common.kafka;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import java.util.HashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import java.util.Map;

/**
 * Base properties for every Kafka client a component creates: the bootstrap servers plus every
 * {@code kafka.client.*} pass-through setting (security, timeouts). Callers add what their client
 * needs on top.
 */
public final class KafkaClientProperties {

    private KafkaClientProperties() {
    }

    public static Map<String, Object> base(RadflowConfig config) {
        Map<String, Object> props = new HashMap<>(config.passThrough(CommonConfig.KAFKA_CLIENT_PREFIX));
        props.put("bootstrap.servers", config.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS));
        return props;
    }

    /** A consumer that reads only committed records from the earliest offset and commits nothing by itself. */
    public static Map<String, Object> readCommittedConsumer(RadflowConfig config, String clientId) {
        Map<String, Object> props = base(config);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return props;
    }

    /**
     * A transactional, idempotent producer; {@code transactionalId} must be stable across restarts of
     * the same instance, so a restarted one fences its previous incarnation.
     */
    public static Map<String, Object> transactionalProducer(RadflowConfig config, String transactionalId) {
        Map<String, Object> props = base(config);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId + "-producer");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    /** The host name (env HOSTNAME first, as in a pod), or {@code fallback}: the default id of a service instance. */
    public static String hostName(String fallback) {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return fallback;
        }
    }
}
