package io.radflow.trigger.codec;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads what {@link StateOutput} wrote, in the same order. */
public final class StateInput {

    private final DataInputStream in;

    StateInput(DataInputStream in) {
        this.in = in;
    }

    public String string() throws IOException {
        return in.readUTF();
    }

    public String nullableString() throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    public Integer nullableInt() throws IOException {
        return in.readBoolean() ? in.readInt() : null;
    }

    public int integer() throws IOException {
        return in.readInt();
    }

    public long longValue() throws IOException {
        return in.readLong();
    }

    public boolean bool() throws IOException {
        return in.readBoolean();
    }

    public Map<String, String> stringMap() throws IOException {
        int size = in.readInt();
        if (size < 0) {
            throw new IOException("negative map size " + size);
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            map.put(in.readUTF(), in.readUTF());
        }
        return map;
    }
}
