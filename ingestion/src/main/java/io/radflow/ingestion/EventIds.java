package io.radflow.ingestion;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Deterministic event ids: a name-based UUID (RFC 9562 version 8) from the SHA-256 of what
 * identifies the event. Publishing the same upload again yields the same id, so consumers
 * deduplicate by id and re-running a source is safe.
 */
public final class EventIds {

    private EventIds() {
    }

    /** The id of the event identified by {@code parts} (order matters; null parts are written as empty). */
    public static String of(String... parts) {
        MessageDigest sha = sha256();
        for (String part : parts) {
            // a unit separator keeps ("ab","c") and ("a","bc") apart
            sha.update((part == null ? "" : part).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0x1F);
        }
        ByteBuffer b = ByteBuffer.wrap(sha.digest());
        long high = (b.getLong() & ~0xF000L) | 0x8000L;           // version 8
        long low = (b.getLong() & 0x3FFF_FFFF_FFFF_FFFFL) | Long.MIN_VALUE; // variant 10
        return new UUID(high, low).toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
