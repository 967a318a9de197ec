package io.radflow.ingestion;

import io.radflow.common.config.RadflowConfig;
import io.radflow.common.kafka.KafkaClientProperties;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serializer;

/** The Kafka clients of the sources: idempotent producers (transactional for the bridge) serializing with {@link TopicSerdes}. */
public final class IngestionKafka {

    private IngestionKafka() {
    }

    public static TopicSerdes serdes(RadflowConfig config) {
        return TopicSerdes.from(new HttpSchemaRegistryClient(SchemaRegistrySettings.from(config)), config);
    }

    /**
     * Idempotent (retries never duplicate), acks=all, ordered per partition; transactional when
     * {@code transactionalId} is set. One producer writes several catalog topics (the bridge sends
     * events and its cursor in one transaction), so values are serialized by their topic's serde.
     */
    public static KafkaProducer<String, SpecificRecord> producer(RadflowConfig config, TopicSerdes serdes, String clientId,
                                                          String transactionalId) {
        return new KafkaProducer<>(producerProperties(config, clientId, transactionalId), serdes.keySerializer(TopicCatalog.DATASET_UPLOADS),
                byTopic(serdes));
    }

    /** The sources' producer settings, for a producer with serializers of its own (a benchmark's baseline). */
    public static Map<String, Object> producerProperties(RadflowConfig config, String clientId, String transactionalId) {
        Map<String, Object> props = KafkaClientProperties.base(config);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        if (transactionalId != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return props;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Serializer<SpecificRecord> byTopic(TopicSerdes serdes) {
        return (topic, value) -> {
            Topic t = TopicCatalog.byName(topic).orElseThrow(() -> new IllegalArgumentException("not a catalog topic: " + topic));
            return serdes.valueSerializer(t).serialize(topic, value);
        };
    }
}
