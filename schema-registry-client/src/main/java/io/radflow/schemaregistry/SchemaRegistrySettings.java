package io.radflow.schemaregistry;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** How to reach a schema registry. */
public record SchemaRegistrySettings(URI baseUrl, Optional<String> basicAuth, Duration timeout) {

    public SchemaRegistrySettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        String s = baseUrl.toString();
        // Relative paths must resolve under the base path (Apicurio's /apis/ccompat/v7/).
        baseUrl = URI.create(s.endsWith("/") ? s : s + "/");
    }

    public static SchemaRegistrySettings of(URI baseUrl) {
        return new SchemaRegistrySettings(baseUrl, Optional.empty(), Duration.ofSeconds(10));
    }

    public static SchemaRegistrySettings from(RadflowConfig config) {
        return new SchemaRegistrySettings(config.get(CommonConfig.SCHEMA_REGISTRY_URL),
                config.find(CommonConfig.SCHEMA_REGISTRY_BASIC_AUTH), config.get(CommonConfig.SCHEMA_REGISTRY_TIMEOUT));
    }
}
