package io.radflow.exporter;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * UIDs derived from names, so the same job always yields the same SOP instance and series UIDs
 * and a redelivered job replaces its objects in the PACS instead of adding copies. The form is
 * the {@code 2.25.<128-bit integer>} root of PS3.5 B.2 with the integer taken from the SHA-256
 * of the parts (at most 44 characters).
 */
public final class ExportUids {

    private ExportUids() {
    }

    /** A UID for the given parts, joined unambiguously; the same parts always give the same UID. */
    public static String of(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                sha.update(BigInteger.valueOf(bytes.length).toByteArray());
                sha.update((byte) 0);
                sha.update(bytes);
            }
            byte[] first128Bits = Arrays.copyOf(sha.digest(), 16);
            return "2.25." + new BigInteger(1, first128Bits);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The SOP instance UID of a job's object of the given kind (SEG, SR). */
    public static String instance(String jobId, String kind) {
        return of("instance", jobId, kind);
    }

    /** The series of a model version's objects of one kind in one study: one series per model version. */
    public static String series(String studyUid, String modelId, int modelVersion, String kind) {
        return of("series", studyUid, modelId, Integer.toString(modelVersion), kind);
    }
}
