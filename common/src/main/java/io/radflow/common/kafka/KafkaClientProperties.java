package io.radflow.common.kafka;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import java.util.HashMap;
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
}
