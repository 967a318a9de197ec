package io.radflow.schemas.jobs;

import io.radflow.schemas.avro.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * Deterministic job ids: SHA-256 over (model, version, scope, scope UID, the set of SOP instance
 * UIDs), as 32 hex characters (128 bits). The same group with the same instances always gets the
 * same id, however often and in whatever order its uploads arrive; a revision with one more
 * instance gets a different one.
 */
public final class JobIds {

    /**
     * Ids of the jobs of synchronous predict calls ({@code POST /ml-models/{name}/predict}): their
     * results answer the caller's files and go nowhere else (not to the PACS).
     */
    public static final String PREDICT_PREFIX = "predict-";

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(JobIds::sha256);

    private JobIds() {
    }

    public static boolean isPredict(String jobId) {
        return jobId != null && jobId.startsWith(PREDICT_PREFIX);
    }

    public static String of(String modelId, int version, Scope scope, String scopeUid, Collection<String> sopInstanceUids) {
        MessageDigest sha = SHA256.get();
        sha.reset();
        field(sha, modelId);
        field(sha, Integer.toString(version));
        field(sha, scope.name());
        field(sha, scopeUid);
        // A set: order and duplicates must not change the id.
        List<String> sorted = sopInstanceUids.size() == 1 ? List.copyOf(sopInstanceUids)
                : sopInstanceUids.stream().distinct().sorted().toList();
        field(sha, Integer.toString(sorted.size()));
        for (String uid : sorted) {
            field(sha, uid);
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    private static void field(MessageDigest sha, String value) {
        // Length-prefixed, so no two different field lists hash the same bytes.
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
