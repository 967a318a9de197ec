package io.radflow.registry.commands;

import io.radflow.common.config.RadflowConfig;
import io.radflow.common.error.Reason;
import io.radflow.common.kafka.KafkaClientProperties;
import io.radflow.registry.RegistryException;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The REST side's one producer (idempotent, acks=all): commands, API keys and clone codes. Each
 * write blocks until the broker acknowledged it, so a request never answers before its record is
 * durable.
 */
public final class TopicWriter implements AutoCloseable {

    private final KafkaProducer<String, SpecificRecord> producer;

    public TopicWriter(RadflowConfig config, TopicSerdes serdes) {
        Map<String, Object> props = KafkaClientProperties.base(config);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "radflow-registry-writer");
        Serializer<SpecificRecord> values = (topic, value) -> serializer(serdes, topic).serialize(topic, value);
        producer = new KafkaProducer<>(props, new StringSerializer(), values);
    }

    @SuppressWarnings("unchecked")
    private static Serializer<SpecificRecord> serializer(TopicSerdes serdes, String topic) {
        Topic<?, ?> t = TopicCatalog.byName(topic).orElseThrow(() -> new IllegalArgumentException("not a catalog topic: " + topic));
        return (Serializer<SpecificRecord>) serdes.valueSerializer(t);
    }

    /** Writes one record (null value: tombstone) and waits for the acknowledgement. */
    public <V extends SpecificRecord> void write(Topic<String, V> topic, String key, V value, Duration timeout) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new RegistryException(Reason.WRITE_NOT_CONFIRMED, "could not write to " + topic.name() + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(Reason.WRITE_NOT_CONFIRMED, "interrupted while writing to " + topic.name(), e);
        }
    }

    public Producer<String, SpecificRecord> producer() {
        return producer;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
