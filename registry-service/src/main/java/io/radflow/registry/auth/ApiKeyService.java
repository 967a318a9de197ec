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

/**
 * Authentication ({@link ApiKeyAuthenticator}) and API keys. Keys are immutable apart from revocation, so they are written
 * straight to their topic (no compare-and-set needed) and the request waits for the view.
 */
public final class ApiKeyService {

    private final RegistryView view;
    private final TopicWriter writer;
    private final Clock clock;
    private final Duration timeout;
    private final ApiKeyAuthenticator authenticator;

    /** A key as shown once at creation: the record plus the secret token. */
    public record Created(ApiKey key, String token) {
    }

    public ApiKeyService(RegistryView view, TopicWriter writer, Clock clock, Duration timeout, String adminKey, String adminUser) {
        this.view = view;
        this.writer = writer;
        this.clock = clock;
        this.timeout = timeout;
        this.authenticator = new ApiKeyAuthenticator(view, Objects.requireNonNull(adminKey, "adminKey"), adminUser);
    }

    /** Who the {@code Authorization} header names; no header is anonymous, a bad one is 401. */
    public Caller authenticate(String authorization) {
        return authenticator.authenticate(authorization);
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
