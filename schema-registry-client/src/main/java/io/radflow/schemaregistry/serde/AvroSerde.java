package io.radflow.schemaregistry.serde;

import io.radflow.schemaregistry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Serializer and deserializer of one Avro record class, for Kafka Streams. */
public final class AvroSerde {

    private AvroSerde() {
    }

    public static <T extends SpecificRecord> Serde<T> of(SchemaRegistryClient client, Class<T> type, boolean autoRegister) {
        return Serdes.serdeFrom(new AvroSerializer<>(client, autoRegister, false), new AvroDeserializer<>(client, type));
    }
}
