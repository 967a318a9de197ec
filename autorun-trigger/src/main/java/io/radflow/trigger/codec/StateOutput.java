package io.radflow.trigger.codec;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Writes the primitive pieces of state values; nullable fields carry a presence flag. */
public final class StateOutput {

    private final DataOutputStream out;

    public StateOutput(DataOutputStream out) {
        this.out = out;
    }

    public void string(String s) throws IOException {
        out.writeUTF(s);
    }

    public void nullableString(String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    public void nullableInt(Integer i) throws IOException {
        out.writeBoolean(i != null);
        if (i != null) {
            out.writeInt(i);
        }
    }

    public void integer(int i) throws IOException {
        out.writeInt(i);
    }

    public void longValue(long l) throws IOException {
        out.writeLong(l);
    }

    public void bool(boolean b) throws IOException {
        out.writeBoolean(b);
    }

    public void nullableBool(Boolean b) throws IOException {
        out.writeByte(b == null ? 0 : b ? 2 : 1);
    }

    public void stringList(List<String> list) throws IOException {
        out.writeInt(list.size());
        for (String s : list) {
            out.writeUTF(s);
        }
    }

    /** Sorted by key, so equal maps always give equal bytes. */
    public void stringMap(Map<String, String> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
    }
}
