package io.radflow.registry.auth;

import io.radflow.registry.RegistryException;
import io.radflow.registry.commands.Names;
import io.radflow.registry.commands.TopicWriter;
import io.radflow.registry.view.RegistryView;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.ApiKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Authentication and API keys. A bearer token is either the bootstrap admin key from the
 * configuration or a key made through the API, whose secret's SHA-256 is on the compacted
 * {@code registry-api-keys} topic. Keys are immutable apart from revocation, so they are written
 * straight to their topic (no compare-and-set needed) and the request waits for the view.
 */
public final class ApiKeyService {

    private final RegistryView view;
    private final TopicWriter writer;
    private final Clock clock;
    private final Duration timeout;
    private final String adminKeySha256;
    private final String adminUser;

    /** A key as shown once at creation: the record plus the secret token. */
    public record Created(ApiKey key, String token) {
    }

    public ApiKeyService(RegistryView view, TopicWriter writer, Clock clock, Duration timeout, String adminKey, String adminUser) {
        this.view = view;
        this.writer = writer;
        this.clock = clock;
        this.timeout = timeout;
        this.adminKeySha256 = Secrets.sha256Hex(Objects.requireNonNull(adminKey, "adminKey"));
        this.adminUser = adminUser;
    }

    /** Who the {@code Authorization} header names; no header is anonymous, a bad one is 401. */
    public Caller authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Caller.ANONYMOUS;
        }
        String[] parts = authorization.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer")) {
            throw RegistryException.unauthenticated("the Authorization header must be 'Bearer <api key>'");
        }
        String token = parts[1];
        if (Secrets.matches(token, adminKeySha256)) {
            return Caller.admin(adminUser);
        }
        Optional<ApiKey> key = Secrets.parseApiKey(token).flatMap(p -> view.apiKey(p.keyId())
                .filter(k -> k.getRevokedAt() == null && Secrets.matches(p.secret(), k.getSecretSha256())));
        return key.map(k -> new Caller(k.getUserId(), k.getSystemAdmin()))
                .orElseThrow(() -> RegistryException.unauthenticated("unknown or revoked API key"));
    }

    /** System admins make keys for anyone; other users only ordinary keys for themselves. */
    public Created create(Caller caller, String userId, boolean systemAdmin, String label) {
        String creator = caller.requireUser();
        String user = userId != null ? Names.userId(userId) : creator;
        if (!caller.systemAdmin() && (!user.equals(creator) || systemAdmin)) {
            throw RegistryException.forbidden("only system admins create keys for other users or admin keys");
        }
        if (label != null && label.length() > 200) {
            throw RegistryException.invalid("label is longer than 200 characters");
        }
        Secrets.NewApiKey secret = Secrets.newApiKey();
        ApiKey key = ApiKey.newBuilder().setKeyId(secret.keyId()).setUserId(user).setSystemAdmin(systemAdmin)
                .setSecretSha256(secret.secretSha256()).setLabel(label == null ? "" : label).setCreatedBy(creator)
                .setCreatedAt(clock.instant()).build();
        writer.write(TopicCatalog.REGISTRY_API_KEYS, key.getKeyId(), key, timeout);
        view.awaitApiKey(key.getKeyId(), k -> true, timeout);
        return new Created(key, secret.token());
    }

    public List<ApiKey> list(Caller caller) {
        caller.requireUser();
        return view.apiKeys().stream().filter(k -> caller.systemAdmin() || caller.is(k.getUserId()))
                .sorted(Comparator.comparing(ApiKey::getCreatedAt)).toList();
    }

    public ApiKey revoke(Caller caller, String keyId) {
        caller.requireUser();
        ApiKey key = view.apiKey(keyId).filter(k -> caller.systemAdmin() || caller.is(k.getUserId()))
                .orElseThrow(() -> RegistryException.notFound("API key '" + keyId + "' not found"));
        if (key.getRevokedAt() != null) {
            return key;
        }
        ApiKey revoked = ApiKey.newBuilder(key).setRevokedAt(clock.instant()).build();
        writer.write(TopicCatalog.REGISTRY_API_KEYS, keyId, revoked, timeout);
        view.awaitApiKey(keyId, k -> k.getRevokedAt() != null, timeout);
        return view.apiKey(keyId).orElse(revoked);
    }
}
