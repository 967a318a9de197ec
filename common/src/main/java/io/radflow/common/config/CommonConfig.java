package io.radflow.common.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Keys every Radflow component shares: where Kafka and the schema registry are, and metrics. */
public final class CommonConfig {

    private CommonConfig() {
    }

    public static final ConfigKey<String> KAFKA_BOOTSTRAP_SERVERS = ConfigKey.required("kafka.bootstrap.servers",
            ConfigType.STRING, Validator.hostPortList(),
            "Kafka bootstrap servers, host:port[,host:port...]. Command line: --bootstrap-servers.");

    public static final ConfigKey<URI> SCHEMA_REGISTRY_URL = ConfigKey.required("schema.registry.url",
            ConfigType.URI_TYPE, Validator.httpUrl(),
            "Base URL of a Confluent-compatible schema registry API (Confluent, Karapace, Redpanda, or Apicurio's /apis/ccompat/v7). Command line: --schema-registry-url.");

    public static final ConfigKey<String> SCHEMA_REGISTRY_BASIC_AUTH = ConfigKey.optional("schema.registry.basic.auth",
            ConfigType.STRING, "user:password sent as HTTP basic authentication to the schema registry.");

    public static final ConfigKey<Boolean> SCHEMA_REGISTRY_AUTO_REGISTER = ConfigKey.of("schema.registry.auto.register",
            ConfigType.BOOLEAN, true, "Register writer schemas on first use. Off in locked-down clusters where schemas are registered by CI.");

    public static final ConfigKey<Duration> SCHEMA_REGISTRY_TIMEOUT = ConfigKey.of("schema.registry.timeout",
            ConfigType.DURATION_TYPE, Duration.ofSeconds(10), Validator.positive(), "Timeout of one schema registry HTTP request.");

    public static final ConfigKey<Integer> METRICS_PORT = ConfigKey.of("metrics.port", ConfigType.INT, 0,
            Validator.between(-1, 65535), "Port of the Prometheus scrape endpoint (/metrics, /health); 0 picks a free port, -1 disables it.");

    public static final ConfigKey<Boolean> TOPICS_CREATE = ConfigKey.of("topics.create", ConfigType.BOOLEAN, false,
            "Create the topics a service uses when the cluster lacks them (on in ./radflow dev and ./radflow demo). Off: a service checks at start that its topics exist and stops, naming the missing ones, so clusters whose topics are managed elsewhere (Strimzi, ACLs, ./radflow topics) are left alone.");

    /** Settings under this prefix go to every Kafka client unchanged, e.g. kafka.client.security.protocol=SASL_SSL. */
    public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";

    /** For commands that talk only to the schema registry. */
    public static final ConfigDefinition SCHEMA_REGISTRY_ONLY = ConfigDefinition.of("schema-registry",
            List.of(SCHEMA_REGISTRY_URL, SCHEMA_REGISTRY_BASIC_AUTH, SCHEMA_REGISTRY_AUTO_REGISTER, SCHEMA_REGISTRY_TIMEOUT));

    public static final ConfigDefinition DEFINITION = new ConfigDefinition("common",
            List.of(KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, SCHEMA_REGISTRY_BASIC_AUTH,
                    SCHEMA_REGISTRY_AUTO_REGISTER, SCHEMA_REGISTRY_TIMEOUT, METRICS_PORT, TOPICS_CREATE),
            List.of(KAFKA_CLIENT_PREFIX));
}
