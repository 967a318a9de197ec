package io.radflow.registry;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.ConfigDefinition;
import io.radflow.common.config.ConfigKey;
import io.radflow.common.config.ConfigType;
import io.radflow.common.config.Validator;
import io.radflow.content.StorageConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The registry service's configuration keys. */
public final class RegistryConfig {

    private RegistryConfig() {
    }

    public static final ConfigKey<String> HTTP_HOST = ConfigKey.of("registry.http.host", ConfigType.STRING, "127.0.0.1",
            Validator.nonBlank(), "Interface the registry's REST API listens on (0.0.0.0 in a container).");

    public static final ConfigKey<Integer> HTTP_PORT = ConfigKey.of("registry.http.port", ConfigType.INT, 0,
            Validator.between(0, 65535),
            "Port of the registry's REST API, which also serves /openapi.json, /metrics and /health; 0 picks a free port (printed at start-up).");

    public static final ConfigKey<String> ADMIN_API_KEY = new ConfigKey<>("registry.admin.api.key", ConfigType.STRING,
            null, true, v -> v.length() < 24 ? "must be at least 24 characters long" : null,
            "Bootstrap API key of the registry administrator (at least 24 characters). Unset: a random key is made at each start and printed by ./radflow registry-service and ./radflow dev.");

    public static final ConfigKey<String> ADMIN_USER = ConfigKey.of("registry.admin.user", ConfigType.STRING, "admin",
            Validator.nonBlank(), "User id the bootstrap admin key authenticates as.");

    public static final ConfigKey<String> SITE_ID = ConfigKey.of("registry.site.id", ConfigType.STRING, "local",
            Validator.nonBlank(), "Site (hospital, platform tenant) of projects created without a siteId; site-only clone codes compare sites.");

    public static final ConfigKey<String> APPLICATION_ID = ConfigKey.of("registry.application.id", ConfigType.STRING,
            "radflow-registry", Validator.nonBlank(),
            "Kafka Streams application id. Every instance of one registry shares it: it names the consumer group and the internal changelog topics.");

    public static final ConfigKey<Path> STATE_DIR = ConfigKey.optional("registry.state.dir", ConfigType.PATH,
            "Kafka Streams state directory. Unset: a temporary directory removed on exit (the state is rebuilt from Kafka at start-up).");

    public static final ConfigKey<Long> UPLOAD_MAX_BYTES = ConfigKey.of("registry.upload.max.bytes", ConfigType.LONG,
            1L << 30, Validator.atLeastLong(1), "Largest model artifact upload accepted, in bytes; larger uploads are refused with 413.");

    public static final ConfigKey<Duration> WRITE_TIMEOUT = ConfigKey.of("registry.write.timeout", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(30), Validator.positive(),
            "How long a write waits for the command processor and the materialized view before answering 503.");

    public static final ConfigKey<Duration> COMMIT_INTERVAL = ConfigKey.of("registry.commit.interval", ConfigType.DURATION_TYPE,
            Duration.ofMillis(50), Validator.positive(),
            "Kafka Streams commit interval of the registry; with exactly-once it is how often transactions commit, so it bounds write latency.");

    public static final ConfigKey<Duration> LAST_USED_RESOLUTION = ConfigKey.of("registry.last.used.resolution",
            ConfigType.DURATION_TYPE, Duration.ofMinutes(5), Validator.notNegative(),
            "A model's lastUsedAt (from job-status) moves forward only when a job runs at least this long after the recorded time, so busy models do not write on every job.");

    public static final ConfigKey<Duration> PREDICT_TIMEOUT = ConfigKey.of("registry.predict.timeout", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(30), Validator.positive(),
            "How long POST /ml-models/{name}/predict waits for the worker's outcome before answering 504; the job still runs and its results are still published.");

    public static final ConfigKey<Integer> PREDICT_MAX_FILES = ConfigKey.of("registry.predict.max.files", ConfigType.INT, 64,
            Validator.between(1, 10_000), "Most DICOM files one predict request may carry; more are refused with 413.");

    public static final ConfigKey<Long> PREDICT_MAX_BYTES = ConfigKey.of("registry.predict.max.bytes", ConfigType.LONG,
            256L << 20, Validator.atLeastLong(1), "Largest total size of the DICOM files of one predict request, in bytes; larger requests are refused with 413.");

    /** The registry's own keys plus the artifact store, to join other components' definitions. */
    public static final ConfigDefinition KEYS = ConfigDefinition.of("registry", List.of(HTTP_HOST, HTTP_PORT,
            ADMIN_API_KEY, ADMIN_USER, SITE_ID, APPLICATION_ID, STATE_DIR, UPLOAD_MAX_BYTES, WRITE_TIMEOUT,
            COMMIT_INTERVAL, LAST_USED_RESOLUTION, PREDICT_TIMEOUT, PREDICT_MAX_FILES, PREDICT_MAX_BYTES)).and(StorageConfig.DEFINITION);

    /** Everything {@code ./radflow registry-service} reads. */
    public static final ConfigDefinition DEFINITION = CommonConfig.DEFINITION.and(KEYS);
}
