package io.radflow.schemaregistry.serde;

import io.radflow.common.error.Reason;
import java.nio.ByteBuffer;

/**
 * Confluent's framing of a serialized value: magic byte 0, the schema id as a 4-byte big-endian
 * int, then the Avro binary encoding. Any Confluent-compatible consumer reads it by fetching the
 * writer schema by id.
 */
public final class ConfluentWireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private ConfluentWireFormat() {
    }

    public static void writeHeader(ByteBuffer out, int schemaId) {
        out.put(MAGIC_BYTE).putInt(schemaId);
    }

    /** The schema id of a framed payload; the buffer is left at the start of the Avro body. */
    public static int readSchemaId(ByteBuffer in, String topic) {
        if (in.remaining() < HEADER_SIZE) {
            throw new AvroSerdeException(Reason.NOT_CONFLUENT_FRAMED, "record on topic '" + topic + "' is "
                    + in.remaining() + " bytes, too short for the Confluent wire format (magic byte + 4-byte schema id)");
        }
        byte magic = in.get();
        if (magic != MAGIC_BYTE) {
            throw new AvroSerdeException(Reason.NOT_CONFLUENT_FRAMED, String.format(
                    "record on topic '%s' is not Confluent-framed: first byte is 0x%02x, expected magic byte 0x00", topic, magic));
        }
        return in.getInt();
    }
}
