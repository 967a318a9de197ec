package io.radflow.trigger.codec;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads what {@link StateOutput} wrote, in the same order. */
public final class StateInput {

    private final DataInputStream in;

    public StateInput(DataInputStream in) {
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

    public Boolean nullableBool() throws IOException {
        int b = in.readByte();
        return switch (b) {
            case 0 -> null;
            case 1 -> false;
            case 2 -> true;
            default -> throw new IOException("not a nullable boolean: " + b);
        };
    }

    public List<String> stringList() throws IOException {
        int size = in.readInt();
        if (size < 0) {
            throw new IOException("negative list size " + size);
        }
        List<String> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(in.readUTF());
        }
        return list;
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
