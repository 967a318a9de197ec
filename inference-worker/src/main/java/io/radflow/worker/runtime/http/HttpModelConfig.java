package io.radflow.worker.runtime.http;

import io.radflow.common.config.ConfigDefinition;
import io.radflow.common.config.ConfigKey;
import io.radflow.common.config.ConfigType;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.config.Validator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Configuration keys of the external HTTP model runtime (V7-style models). */
public final class HttpModelConfig {

    private HttpModelConfig() {
    }

    public static final ConfigKey<Duration> CONNECT_TIMEOUT = ConfigKey.of("worker.http.connect.timeout", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(10), Validator.positive(), "Timeout of opening a connection to an external HTTP model "
                    + "(each request's own deadline is the version's httpEndpoint.timeoutMs).");

    public static final ConfigKey<Integer> RETRIES = ConfigKey.of("worker.http.retries", ConfigType.INT, 2, Validator.atLeast(0),
            "Extra tries of one HTTP model request after a 5xx answer or a connection error, with doubling backoff; "
                    + "then the job fails (500: MODEL_ERROR; 502/503/504/429 and connection errors: RUNTIME_UNAVAILABLE, retriable).");

    public static final ConfigKey<Duration> RETRY_BACKOFF = ConfigKey.of("worker.http.retry.backoff", ConfigType.DURATION_TYPE,
            Duration.ofMillis(200), Validator.notNegative(), "Delay before the first retry of an HTTP model request; doubles with each retry.");

    public static final ConfigKey<Integer> MAX_CONCURRENCY = ConfigKey.of("worker.http.max.concurrency", ConfigType.INT, 8,
            Validator.atLeast(1), "Requests in flight at once to external HTTP models (all of this worker's, over pooled connections).");

    public static final ConfigKey<Path> SECRETS_DIR = ConfigKey.optional("worker.http.secrets.dir", ConfigType.PATH,
            "Directory of secrets for external HTTP models: a version whose httpEndpoint.authHeader names a secret gets the "
                    + "content of the file of that name sent as its Authorization header (e.g. a mounted Kubernetes secret).");

    public static final ConfigDefinition DEFINITION = ConfigDefinition.of("http-runtime",
            List.of(CONNECT_TIMEOUT, RETRIES, RETRY_BACKOFF, MAX_CONCURRENCY, SECRETS_DIR));

    /** What the HTTP runtime reads from configuration; {@code secretsDir} may be null. */
    public record Settings(Duration connectTimeout, int retries, Duration retryBackoff, int maxConcurrency, Path secretsDir) {

        public static Settings from(RadflowConfig config) {
            return new Settings(config.get(CONNECT_TIMEOUT), config.get(RETRIES), config.get(RETRY_BACKOFF),
                    config.get(MAX_CONCURRENCY), config.find(SECRETS_DIR).orElse(null));
        }
    }
}
