package io.radflow.schemaregistry.serde;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.schemaregistry.SchemaRegistryClient;
import io.radflow.schemas.Topic;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serdes for the catalog's topics, all backed by one schema registry client and its caches.
 * Keys are UTF-8 strings (or raw bytes); values are Avro in the Confluent wire format.
 */
public final class TopicSerdes {

    private final SchemaRegistryClient client;
    private final boolean autoRegister;
    private final Map<Topic<?, ?>, Serde<?>> valueSerdes = new ConcurrentHashMap<>();

    public TopicSerdes(SchemaRegistryClient client, boolean autoRegister) {
        this.client = client;
        this.autoRegister = autoRegister;
    }

    public static TopicSerdes from(SchemaRegistryClient client, RadflowConfig config) {
        return new TopicSerdes(client, config.get(CommonConfig.SCHEMA_REGISTRY_AUTO_REGISTER));
    }

    public SchemaRegistryClient client() {
        return client;
    }

    @SuppressWarnings("unchecked")
    public <K> Serde<K> keySerde(Topic<K, ?> topic) {
        if (topic.keyType() == String.class) {
            return (Serde<K>) Serdes.String();
        }
        if (topic.keyType() == byte[].class) {
            return (Serde<K>) Serdes.ByteArray();
        }
        throw new IllegalArgumentException("no key serde for " + topic.keyType() + " on topic " + topic.name());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public <V> Serde<V> valueSerde(Topic<?, V> topic) {
        return (Serde<V>) valueSerdes.computeIfAbsent(topic, t -> {
            if (t.valueType() == byte[].class) {
                return Serdes.ByteArray();
            }
            if (SpecificRecord.class.isAssignableFrom(t.valueType())) {
                return AvroSerde.of(client, (Class) t.valueType(), autoRegister);
            }
            throw new IllegalArgumentException("no value serde for " + t.valueType() + " on topic " + t.name());
        });
    }

    public <K> Serializer<K> keySerializer(Topic<K, ?> topic) {
        return keySerde(topic).serializer();
    }

    public <V> Serializer<V> valueSerializer(Topic<?, V> topic) {
        return valueSerde(topic).serializer();
    }

    public <K> Deserializer<K> keyDeserializer(Topic<K, ?> topic) {
        return keySerde(topic).deserializer();
    }

    public <V> Deserializer<V> valueDeserializer(Topic<?, V> topic) {
        return valueSerde(topic).deserializer();
    }
}
