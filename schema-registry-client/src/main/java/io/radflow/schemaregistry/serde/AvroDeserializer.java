package io.radflow.schemaregistry.serde;

import io.radflow.common.error.Reason;
import io.radflow.common.error.RadflowException;
import io.radflow.schemaregistry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-framed Avro into a specific record class. The writer schema is fetched by id
 * (once; the client caches it) and resolved against the class's schema, so records written with
 * an older or newer compatible schema still decode. Every failure names the topic and schema id.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final SchemaRegistryClient client;
    private final Class<T> type;
    private final Schema readerSchema;
    private final SpecificData specificData;
    private final Map<Integer, SpecificDatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
    /**
     * A decoder is only a cursor over the bytes being read, so each thread reuses one instead of
     * allocating a decoder and its byte source per record. Values never point into it: the reader
     * copies strings and bytes out. (It keeps the thread's last record reachable until the next one.)
     */
    private static final ThreadLocal<BinaryDecoder[]> DECODER = ThreadLocal.withInitial(() -> new BinaryDecoder[1]);

    public AvroDeserializer(SchemaRegistryClient client, Class<T> type) {
        this.client = client;
        this.type = type;
        this.specificData = SpecificData.getForClass(type);
        this.readerSchema = specificData.getSchema(type);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        int id = ConfluentWireFormat.readSchemaId(buffer, topic);
        SpecificDatumReader<T> reader = readerFor(id, topic);
        BinaryDecoder[] reused = DECODER.get();
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, buffer.position(), buffer.remaining(), reused[0]);
        reused[0] = decoder;
        try {
            T value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new AvroSerdeException(Reason.UNDECODABLE_RECORD, "record on topic '" + topic + "' has "
                        + "trailing bytes after the Avro body (schema id " + id + ")");
            }
            return value;
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | ClassCastException | NegativeArraySizeException e) {
            throw new AvroSerdeException(Reason.UNDECODABLE_RECORD, "cannot decode record on topic '" + topic
                    + "' as " + type.getSimpleName() + " with writer schema id " + id + ": " + e, e);
        }
    }

    private SpecificDatumReader<T> readerFor(int id, String topic) {
        SpecificDatumReader<T> reader = readersByWriterId.get(id);
        if (reader != null) {
            return reader;
        }
        Schema writer;
        try {
            writer = client.getById(id);
        } catch (RadflowException e) {
            throw new AvroSerdeException(e.reason(), "cannot read record on topic '" + topic + "': schema id "
                    + id + " could not be fetched: " + e.getMessage(), e);
        }
        reader = new SpecificDatumReader<>(writer, readerSchema, specificData);
        readersByWriterId.put(id, reader);
        return reader;
    }
}
