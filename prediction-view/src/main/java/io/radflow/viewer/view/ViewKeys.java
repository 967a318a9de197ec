package io.radflow.viewer.view;

/**
 * Keys of the view's stores: parts joined by NUL, which no project id or UID contains, so that a
 * prefix scan on {@code project NUL study NUL} finds exactly one study's entries.
 */
public final class ViewKeys {

    static final char SEPARATOR = '\u0000';

    private ViewKeys() {
    }

    public static String of(String... parts) {
        return String.join(String.valueOf(SEPARATOR), parts);
    }

    /** The prefix of every key under these leading parts. */
    public static String prefix(String... parts) {
        return of(parts) + SEPARATOR;
    }

    /** The part at {@code index}, or null when the key is shorter. */
    public static String part(String key, int index) {
        String[] parts = key.split(String.valueOf(SEPARATOR), -1);
        return index < parts.length ? parts[index] : null;
    }
}
