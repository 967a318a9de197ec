package io.radflow.trigger;

import java.util.StringJoiner;

/**
 * Composite keys of the trigger's state stores. Parts are joined with NUL, a character no id or UID
 * contains (the upload validator rejects control characters), so a prefix that ends with the
 * separator matches exactly one parent: {@code "p\0 1.2.3\0"} never matches study {@code 1.2.34}.
 */
public final class StoreKeys {

    public static final char SEPARATOR = '\u0000';

    private StoreKeys() {
    }

    public static String join(String... parts) {
        StringJoiner j = new StringJoiner(String.valueOf(SEPARATOR));
        for (String p : parts) {
            j.add(p);
        }
        return j.toString();
    }

    /** The parts joined and followed by the separator: the prefix of every key below them. */
    public static String prefix(String... parts) {
        return join(parts) + SEPARATOR;
    }

    public static String[] split(String key) {
        return key.split(String.valueOf(SEPARATOR), -1);
    }
}
