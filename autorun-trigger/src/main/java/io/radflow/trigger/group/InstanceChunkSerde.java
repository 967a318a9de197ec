package io.radflow.trigger.group;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Store format of {@link InstanceChunk}: a format version byte, the entry count, the encoded entries.
 * Not a {@code StateSerde}: a chunk is stored after every upload of its study, and copying its
 * already encoded entries in one go is the point of the layout.
 */
public final class InstanceChunkSerde implements Serde<InstanceChunk>, Serializer<InstanceChunk>, Deserializer<InstanceChunk> {

    private static final byte VERSION = 1;
    private static final int HEADER = 5;

    @Override
    public byte[] serialize(String topic, InstanceChunk chunk) {
        if (chunk == null) {
            return null;
        }
        byte[] out = new byte[HEADER + chunk.length()];
        ByteBuffer.wrap(out).put(VERSION).putInt(chunk.count());
        System.arraycopy(chunk.bytes(), 0, out, HEADER, chunk.length());
        return out;
    }

    @Override
    public InstanceChunk deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < HEADER || data[0] != VERSION) {
            throw new SerializationException("cannot read instance chunk: format version " + (data.length == 0 ? "missing" : data[0])
                    + " is not one this trigger knows (" + VERSION + ")");
        }
        int count = ByteBuffer.wrap(data, 1, 4).getInt();
        return new InstanceChunk(Arrays.copyOfRange(data, HEADER, data.length), count);
    }

    @Override
    public Serializer<InstanceChunk> serializer() {
        return this;
    }

    @Override
    public Deserializer<InstanceChunk> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
    }
}
