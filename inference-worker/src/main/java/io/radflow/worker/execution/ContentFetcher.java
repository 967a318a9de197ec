package io.radflow.worker.execution;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.content.ContentException;
import io.radflow.content.ContentReader;
import io.radflow.schemas.avro.ContentRef;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Fetches a job instance's bytes by its claim check and checks them against the size and SHA-256
 * the event carries, so a worker never runs a model on other bytes than were uploaded.
 */
final class ContentFetcher {

    private final ContentReader reader;
    private final long maxBytes;

    ContentFetcher(ContentReader reader, long maxBytes) {
        this.reader = reader;
        this.maxBytes = maxBytes;
    }

    byte[] fetch(ContentRef ref) {
        URI uri;
        try {
            uri = URI.create(ref.getUri());
        } catch (IllegalArgumentException e) {
            throw new ContentException(Reason.CONTENT_NOT_FOUND, "not a valid content URI: " + ref.getUri(), e);
        }
        byte[] bytes = reader.read(uri, maxBytes);
        if (ref.getSizeBytes() >= 0 && bytes.length != ref.getSizeBytes()) {
            throw new RadflowException(Reason.CONTENT_CORRUPT, "content at " + uri + " has " + bytes.length
                    + " bytes, the event says " + ref.getSizeBytes());
        }
        if (ref.getSha256() != null) {
            String actual = sha256(bytes);
            if (!actual.equals(ref.getSha256().toLowerCase(Locale.ROOT))) {
                throw new RadflowException(Reason.CONTENT_CORRUPT, "content at " + uri + " has SHA-256 " + actual
                        + ", the event says " + ref.getSha256());
            }
        }
        return bytes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
