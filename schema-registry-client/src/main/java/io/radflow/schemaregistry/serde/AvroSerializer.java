package io.radflow.schemaregistry.serde;

import io.radflow.common.error.Reason;
import io.radflow.common.error.RadflowException;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro specific records in the Confluent wire format under subject
 * {@code <topic>-value} (or {@code <topic>-key}). The writer schema is registered on first use
 * (or only looked up when auto-registration is off); after that the id comes from the client's
 * cache. Null values stay null so tombstones work on compacted topics.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private final SchemaRegistryClient client;
    private final boolean autoRegister;
    private boolean isKey;
    private final Map<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
    private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();
    /** Topic -> subject: one String per topic, so the id lookup compares subjects by identity. */
    private final Map<String, String> subjects = new ConcurrentHashMap<>();

    /**
     * A buffered encoder and its output, reused by each thread: Avro's direct encoder would hand
     * every varint and string to the stream separately, which costs more than the encoding itself.
     */
    private static final class Buffers {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        BinaryEncoder encoder;
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);
    private static final int KEPT_BUFFER_BYTES = 1 << 20;

    private record SubjectSchema(String subject, Schema schema) {
    }

    public AvroSerializer(SchemaRegistryClient client, boolean autoRegister, boolean isKey) {
        this.client = client;
        this.autoRegister = autoRegister;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        subjects.clear();
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Schema schema = data.getSchema();
        String subject = subjects.computeIfAbsent(topic, t -> t + (isKey ? "-key" : "-value"));
        // Avro caches a schema's hash code, so this lookup is cheap on the hot path.
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer id = ids.get(key);
        if (id == null) {
            id = resolveId(subject, schema);
            ids.put(key, id);
        }
        Buffers buffers = BUFFERS.get();
        boolean written = false;
        try {
            buffers.out.reset();
            ByteBuffer header = ByteBuffer.allocate(ConfluentWireFormat.HEADER_SIZE);
            ConfluentWireFormat.writeHeader(header, id);
            buffers.out.write(header.array());
            buffers.encoder = EncoderFactory.get().binaryEncoder(buffers.out, buffers.encoder);
            writerFor(schema, data).write(data, buffers.encoder);
            buffers.encoder.flush();
            byte[] bytes = buffers.out.toByteArray();
            written = true;
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new AvroSerdeException(Reason.MALFORMED_EVENT, "cannot serialize " + schema.getFullName()
                    + " for topic '" + topic + "' (schema id " + id + "): " + e.getMessage(), e);
        } finally {
            if (!written || buffers.out.size() > KEPT_BUFFER_BYTES) {
                // A failed write (even an Error) may leave bytes in the encoder that the next record would
                // get; a buffer grown by one large record (a mask) is not kept for the thread's life.
                BUFFERS.remove();
            }
        }
    }

    private int resolveId(String subject, Schema schema) {
        try {
            if (autoRegister) {
                return client.register(subject, schema);
            }
            return client instanceof HttpSchemaRegistryClient http ? http.idOf(subject, schema)
                    : client.lookup(subject, schema).id();
        } catch (RadflowException e) {
            throw new AvroSerdeException(e.reason(), "cannot serialize " + schema.getFullName() + " for subject '"
                    + subject + "': " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private SpecificDatumWriter<T> writerFor(Schema schema, T data) {
        return writers.computeIfAbsent(schema,
                s -> new SpecificDatumWriter<>(s, SpecificData.getForClass((Class<T>) data.getClass())));
    }
}
