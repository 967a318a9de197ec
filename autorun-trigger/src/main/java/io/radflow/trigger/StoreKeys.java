package io.radflow.trigger;

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
        // Built by hand: a key is made for every upload, and StringJoiner copies the parts twice.
        int length = parts.length - 1;
        for (String p : parts) {
            length += p.length();
        }
        StringBuilder key = new StringBuilder(Math.max(0, length));
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                key.append(SEPARATOR);
            }
            key.append(parts[i]);
        }
        return key.toString();
    }

    /** The parts joined and followed by the separator: the prefix of every key below them. */
    public static String prefix(String... parts) {
        return join(parts) + SEPARATOR;
    }

    public static String[] split(String key) {
        return key.split(String.valueOf(SEPARATOR), -1);
    }
}
