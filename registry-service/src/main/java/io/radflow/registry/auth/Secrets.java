package io.radflow.registry.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Making, hashing and parsing the registry's secrets. API keys look like
 * {@code rfk_<12 hex key id>_<secret>} and clone codes like {@code rfc_<secret>}; secrets are 32
 * random bytes, so an unsalted SHA-256 is enough to store them (nothing to brute-force), and only
 * the hash is ever written to Kafka.
 */
public final class Secrets {

    public static final String API_KEY_PREFIX = "rfk_";
    public static final String CLONE_CODE_PREFIX = "rfc_";
    private static final int KEY_ID_LENGTH = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** A new API key: its id (public, names the key) and the whole token (secret, shown once). */
    public record NewApiKey(String keyId, String token, String secretSha256) {
    }

    /** The parts of a presented API key. */
    public record ParsedApiKey(String keyId, String secret) {
    }

    public static NewApiKey newApiKey() {
        String keyId = HexFormat.of().formatHex(randomBytes(KEY_ID_LENGTH / 2));
        String secret = randomToken();
        return new NewApiKey(keyId, API_KEY_PREFIX + keyId + "_" + secret, sha256Hex(secret));
    }

    public static Optional<ParsedApiKey> parseApiKey(String token) {
        if (token == null || !token.startsWith(API_KEY_PREFIX) || token.length() < API_KEY_PREFIX.length() + KEY_ID_LENGTH + 2) {
            return Optional.empty();
        }
        int idEnd = API_KEY_PREFIX.length() + KEY_ID_LENGTH;
        if (token.charAt(idEnd) != '_') {
            return Optional.empty();
        }
        return Optional.of(new ParsedApiKey(token.substring(API_KEY_PREFIX.length(), idEnd), token.substring(idEnd + 1)));
    }

    public static String newCloneCode() {
        return CLONE_CODE_PREFIX + randomToken();
    }

    /** A fresh random admin key for deployments that configure none. */
    public static String newAdminKey() {
        return "rfa_" + randomToken();
    }

    public static String sha256Hex(String value) {
        return HexFormat.of().formatHex(sha256(value));
    }

    /** Constant-time comparison of a presented secret with a stored hex SHA-256. */
    public static boolean matches(String secret, String expectedSha256Hex) {
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(expectedSha256Hex);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(sha256(secret), expected);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String randomToken() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
