package io.radflow.trigger;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.ConfigDefinition;
import io.radflow.common.config.ConfigKey;
import io.radflow.common.config.ConfigType;
import io.radflow.common.config.Validator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Configuration keys of the auto-run trigger; {@link #DEFINITION} adds the common keys. */
public final class TriggerConfig {

    private TriggerConfig() {
    }

    public static final ConfigKey<String> APPLICATION_ID = ConfigKey.of("trigger.application.id", ConfigType.STRING,
            "radflow-autorun-trigger", Validator.nonBlank(),
            "Kafka Streams application id of the trigger: its consumer group and the prefix of its internal topics. Instances with the same id share the work.");

    public static final ConfigKey<Duration> QUIET_PERIOD = ConfigKey.of("trigger.quiet.period", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(60), Validator.positive(),
            "A series or study with no new instance for this long (wall clock) is complete; a late instance after emission yields a new job revision after the same period.");

    public static final ConfigKey<Duration> GROUP_RETENTION = ConfigKey.of("trigger.group.retention", ConfigType.DURATION_TYPE,
            Duration.ofDays(7), Validator.positive(),
            "How long a study's state is kept after its last upload event: duplicates and late instances within it are recognised; afterwards the state is removed. Must exceed trigger.quiet.period.");

    public static final ConfigKey<Duration> SETTINGS_HISTORY = ConfigKey.of("trigger.settings.history", ConfigType.DURATION_TYPE,
            Duration.ofDays(14), Validator.positive(),
            "How far back the trigger keeps each model's settings history, to judge an upload by the settings in effect when it was uploaded. Keep it at least the dataset-uploads retention.");

    public static final ConfigKey<Duration> PUNCTUATION_INTERVAL = ConfigKey.of("trigger.punctuation.interval", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(1), Validator.positive(),
            "How often (wall clock) the trigger looks for groups whose quiet period or retention has passed.");

    public static final ConfigKey<Integer> INSTANCES_IN_MEMORY = ConfigKey.of("trigger.instances.in.memory", ConfigType.INT, 50_000,
            Validator.atLeast(1),
            "Instances per stream task whose UIDs the trigger keeps in memory, by study, to tell a new instance from a duplicate without reading its state; a study not held is read back from the state store on its next upload.");

    public static final ConfigKey<Integer> STREAM_THREADS = ConfigKey.of("trigger.stream.threads", ConfigType.INT, 1,
            Validator.atLeast(1), "Kafka Streams processing threads of this instance.");

    public static final ConfigKey<Duration> COMMIT_INTERVAL = ConfigKey.of("trigger.commit.interval", ConfigType.DURATION_TYPE,
            Duration.ofMillis(100), Validator.positive(),
            "How often the trigger commits its transaction (exactly-once): the most a job waits to become visible to read_committed consumers.");

    public static final ConfigKey<Path> STATE_DIR = ConfigKey.optional("trigger.state.dir", ConfigType.PATH,
            "Directory of the trigger's local state (RocksDB). Unset: a temporary directory removed at shutdown, so each start restores the state from its changelog topics; set it in production so a restart resumes without restoring.");

    /** Any Kafka Streams setting under this prefix passes through unchanged, e.g. trigger.streams.num.standby.replicas=1. */
    public static final String STREAMS_PREFIX = "trigger.streams.";

    public static final ConfigDefinition KEYS = new ConfigDefinition("autorun-trigger",
            List.of(APPLICATION_ID, QUIET_PERIOD, GROUP_RETENTION, SETTINGS_HISTORY, PUNCTUATION_INTERVAL, INSTANCES_IN_MEMORY,
                    STREAM_THREADS, COMMIT_INTERVAL, STATE_DIR),
            List.of(STREAMS_PREFIX));

    /** Everything the trigger reads: the common keys and its own. */
    public static final ConfigDefinition DEFINITION = CommonConfig.DEFINITION.and(KEYS);
}
