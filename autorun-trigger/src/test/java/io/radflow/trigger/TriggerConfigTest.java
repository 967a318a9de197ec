package io.radflow.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.config.ConfigException;
import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class TriggerConfigTest {

    static final Map<String, String> CONNECTION = Map.of("kafka.bootstrap.servers", "localhost:9092",
            "schema.registry.url", "http://localhost:8081");

    static RadflowConfig load(Map<String, String> extra, Map<String, String> env) {
        Map<String, String> values = new HashMap<>(CONNECTION);
        values.putAll(extra);
        return RadflowConfig.load(TriggerConfig.DEFINITION, ConfigSource.of("test", values), ConfigSource.environment(env));
    }

    @Test
    void shouldRunExactlyOnceWithItsDefaults() {
        RadflowConfig config = load(Map.of(), Map.of());
        Properties p = TriggerStreamsConfig.properties(config, java.nio.file.Path.of("/var/lib/radflow/trigger"));

        assertThat(p).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "radflow-autorun-trigger")
                .containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/radflow/trigger")
                // Each task reads one partition of one topic: nothing to wait for across partitions.
                .containsEntry(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        assertThat(TriggerSettings.from(config).quietPeriod()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void shouldPollForATenthOfTheCommitIntervalSoAQuietTriggerCommitsOnTime() {
        assertThat(TriggerStreamsConfig.properties(load(Map.of(), Map.of()), java.nio.file.Path.of("/tmp/t")))
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100L).containsEntry(StreamsConfig.POLL_MS_CONFIG, 10L);
        assertThat(TriggerStreamsConfig.properties(load(Map.of("trigger.commit.interval", "10ms"), Map.of()), java.nio.file.Path.of("/tmp/t")))
                .containsEntry(StreamsConfig.POLL_MS_CONFIG, 1L);
        assertThat(TriggerStreamsConfig.properties(load(Map.of("trigger.commit.interval", "30s"), Map.of()), java.nio.file.Path.of("/tmp/t")))
                .as("never longer than Kafka Streams' own default").containsEntry(StreamsConfig.POLL_MS_CONFIG, 100L);
    }

    @Test
    void shouldHandTheGlobalExceptionHandlerSettingToThePartitionAssignorToo() {
        Properties p = TriggerStreamsConfig.properties(load(Map.of(), Map.of()), java.nio.file.Path.of("/var/lib/radflow/trigger"));

        // The assignor builds its own StreamsConfig from these; without the setting it warns at every start.
        assertThat(new StreamsConfig(p).getMainConsumerConfigs("group", "client", 0))
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    }

    @Test
    void shouldReadTheEnvironmentAndPassStreamsSettingsThrough() {
        RadflowConfig config = load(Map.of("trigger.streams.num.standby.replicas", "1"),
                Map.of("RADFLOW_TRIGGER_QUIET_PERIOD", "5s", "RADFLOW_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL"));
        Properties p = TriggerStreamsConfig.properties(config, java.nio.file.Path.of("/var/lib/radflow/trigger"));

        assertThat(TriggerSettings.from(config).quietPeriod()).isEqualTo(Duration.ofSeconds(5));
        assertThat(p).containsEntry("num.standby.replicas", "1").containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void shouldListEveryBadValueAtOnce() {
        assertThatThrownBy(() -> load(Map.of("trigger.quiet.period", "soon", "trigger.stream.threads", "0"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(2))
                .hasMessageContaining("trigger.quiet.period").hasMessageContaining("trigger.stream.threads");
    }

    @Test
    void shouldRefuseARetentionShorterThanTheQuietPeriod() {
        RadflowConfig config = load(Map.of("trigger.quiet.period", "10m", "trigger.group.retention", "5m"), Map.of());

        assertThatThrownBy(() -> TriggerSettings.from(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("trigger.group.retention").hasMessageContaining("must be longer than");
    }
}
