package io.radflow.registry.auth;

import io.radflow.registry.RegistryException;
import io.radflow.registry.view.RegistryView;
import io.radflow.schemas.avro.ApiKey;
import java.util.Optional;

/**
 * Who an {@code Authorization} header names. A bearer token is either the bootstrap admin key
 * from the configuration or a key made through the registry's API, whose secret's SHA-256 is on
 * the compacted {@code registry-api-keys} topic. Every service that answers to the registry's
 * keys (the registry itself, the prediction view) authenticates here, against its own copy of
 * that topic.
 */
public final class ApiKeyAuthenticator {

    private final RegistryView view;
    private final String adminKeySha256;
    private final String adminUser;

    /** @param adminKey the bootstrap admin key; null when this service accepts none */
    public ApiKeyAuthenticator(RegistryView view, String adminKey, String adminUser) {
        this.view = view;
        this.adminKeySha256 = adminKey == null ? null : Secrets.sha256Hex(adminKey);
        this.adminUser = adminUser;
    }

    /** No header is anonymous; a malformed, unknown or revoked key is 401. */
    public Caller authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Caller.ANONYMOUS;
        }
        String[] parts = authorization.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer")) {
            throw RegistryException.unauthenticated("the Authorization header must be 'Bearer <api key>'");
        }
        String token = parts[1];
        if (adminKeySha256 != null && Secrets.matches(token, adminKeySha256)) {
            return Caller.admin(adminUser);
        }
        Optional<ApiKey> key = Secrets.parseApiKey(token).flatMap(p -> view.apiKey(p.keyId())
                .filter(k -> k.getRevokedAt() == null && Secrets.matches(p.secret(), k.getSecretSha256())));
        return key.map(k -> new Caller(k.getUserId(), k.getSystemAdmin()))
                .orElseThrow(() -> RegistryException.unauthenticated("unknown or revoked API key"));
    }
}
