package io.radflow.trigger.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of one of the trigger's own state types (store values and their changelogs). State is
 * private to the trigger, so it is written in a compact binary form without a schema registry; the
 * first byte is a format version, so a newer trigger can still read what an older one wrote and an
 * unknown version fails loudly instead of being misread.
 */
public abstract class StateSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final String typeName;
    private final byte version;

    protected StateSerde(String typeName, int version) {
        this.typeName = typeName;
        this.version = (byte) version;
    }

    protected abstract void write(StateOutput out, T value) throws IOException;

    /** @param formatVersion the version byte the value was written with */
    protected abstract T read(StateInput in, int formatVersion) throws IOException;

    @Override
    public byte[] serialize(String topic, T value) {
        if (value == null) {
            return null;
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
            DataOutputStream data = new DataOutputStream(bytes);
            data.writeByte(version);
            write(new StateOutput(data), value);
            data.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            int formatVersion = in.readByte();
            if (formatVersion < 1 || formatVersion > version) {
                throw new SerializationException("cannot read " + typeName + " state: format version " + formatVersion
                        + " is not one this trigger knows (1.." + version + ")");
            }
            T value = read(new StateInput(in), formatVersion);
            if (in.available() > 0) {
                throw new SerializationException("cannot read " + typeName + " state: " + in.available() + " trailing bytes");
            }
            return value;
        } catch (IOException e) {
            throw new SerializationException("cannot read " + typeName + " state: " + e, e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
    }
}
