package io.radflow.exporter;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.ConfigDefinition;
import io.radflow.common.config.ConfigKey;
import io.radflow.common.config.ConfigType;
import io.radflow.common.config.Validator;
import io.radflow.content.ContentReaderFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The results exporter's configuration keys (plus the content store's, which it reads sources from). */
public final class ExporterConfig {

    private ExporterConfig() {
    }

    public static final ConfigKey<String> EXPORTER_ID = ConfigKey.optional("exporter.id", ConfigType.STRING,
            "This exporter's id, unique and stable across restarts (e.g. the pod name): it names the transactional producer, "
                    + "so a restarted exporter fences its previous incarnation. Unset: the host name.");

    public static final ConfigKey<String> GROUP_ID = ConfigKey.of("exporter.group.id", ConfigType.STRING,
            "radflow-results-exporter", Validator.nonBlank(), "Consumer group of the exporters that share inference-jobs, run-jobs, predictions and job-status.");

    public static final ConfigKey<Integer> THREADS = ConfigKey.of("exporter.threads", ConfigType.INT, 2, Validator.atLeast(1),
            "Exports run at the same time; a project whose PACS is down waits between retries without holding a thread.");

    public static final ConfigKey<Path> SECRETS_DIR = ConfigKey.optional("exporter.secrets.dir", ConfigType.PATH,
            "Directory of secrets that project destinations name (authSecret: a file whose content is the STOW-RS Authorization header value).");

    public static final ConfigKey<String> CALLING_AE_TITLE = ConfigKey.of("exporter.calling.ae.title", ConfigType.STRING, "RADFLOW",
            Validator.nonBlank(), "The exporter's own AE title for C-STORE.");

    public static final ConfigKey<Duration> HTTP_TIMEOUT = ConfigKey.of("exporter.http.timeout", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(60), Validator.positive(), "Longest a STOW-RS request (or a C-STORE connect) may take before it counts as a transient failure.");

    public static final ConfigKey<Integer> RETRY_MAX_ATTEMPTS = ConfigKey.of("exporter.retry.max.attempts", ConfigType.INT, 10,
            Validator.atLeast(1), "Attempts per job for transient failures (destination down, 5xx) before the job goes to results-export-dlq.");

    public static final ConfigKey<Duration> RETRY_INITIAL_BACKOFF = ConfigKey.of("exporter.retry.initial.backoff",
            ConfigType.DURATION_TYPE, Duration.ofSeconds(1), Validator.notNegative(), "Delay before the second attempt; doubles with each attempt.");

    public static final ConfigKey<Duration> RETRY_MAX_BACKOFF = ConfigKey.of("exporter.retry.max.backoff", ConfigType.DURATION_TYPE,
            Duration.ofMinutes(1), Validator.notNegative(), "Cap of the retry delay.");

    public static final ConfigKey<Duration> JOB_WAIT = ConfigKey.of("exporter.job.wait", ConfigType.DURATION_TYPE,
            Duration.ofMinutes(2), Validator.positive(),
            "How long a succeeded job may wait for its inference-jobs record and all its predictions before it is dead-lettered as incomplete.");

    public static final ConfigKey<Duration> SETTINGS_TIMEOUT = ConfigKey.of("exporter.settings.timeout", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(30), Validator.positive(), "How long the exporter waits to read model and project settings at start-up.");

    public static final ConfigKey<Long> CONTENT_MAX_BYTES = ConfigKey.of("exporter.content.max.bytes", ConfigType.LONG, 1L << 30,
            Validator.atLeastLong(1), "Largest source instance or model DICOM output the exporter fetches.");

    public static final ConfigDefinition DEFINITION = ConfigDefinition.of("results-exporter", List.of(EXPORTER_ID, GROUP_ID, THREADS,
                    SECRETS_DIR, CALLING_AE_TITLE, HTTP_TIMEOUT, RETRY_MAX_ATTEMPTS, RETRY_INITIAL_BACKOFF, RETRY_MAX_BACKOFF, JOB_WAIT,
                    SETTINGS_TIMEOUT, CONTENT_MAX_BYTES))
            .and(ContentReaderFactory.DEFINITION);

    /** Everything a standalone exporter reads. */
    public static final ConfigDefinition FULL = CommonConfig.DEFINITION.and(DEFINITION);
}
