package io.radflow.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RadflowConfigTest {

    static final ConfigKey<Integer> THREADS = ConfigKey.of("worker.threads", ConfigType.INT, 2, Validator.between(1, 64), "threads");
    static final ConfigKey<Duration> QUIET = ConfigKey.of("trigger.quiet.period", ConfigType.DURATION_TYPE, Duration.ofSeconds(60),
            Validator.positive(), "quiet period");
    static final ConfigDefinition DEF = CommonConfig.DEFINITION.and(ConfigDefinition.of("test", List.of(THREADS, QUIET)));

    static final Map<String, String> CONNECTION = Map.of(
            "kafka.bootstrap.servers", "127.0.0.1:9092", "schema.registry.url", "http://127.0.0.1:8081");

    @Test
    void shouldApplyDefaultsAndParseTypedValues() {
        RadflowConfig config = RadflowConfig.load(DEF, ConfigSource.of("test", CONNECTION));
        assertThat(config.get(THREADS)).isEqualTo(2);
        assertThat(config.get(QUIET)).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.get(CommonConfig.SCHEMA_REGISTRY_URL).getPort()).isEqualTo(8081);
        assertThat(config.get(CommonConfig.SCHEMA_REGISTRY_BASIC_AUTH)).isNull();
        assertThat(config.originOf(THREADS)).isEqualTo("default");
    }

    @Test
    void shouldReadEnvironmentVariablesNamedAfterTheKey() {
        Map<String, String> env = Map.of("RADFLOW_KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "RADFLOW_SCHEMA_REGISTRY_URL", "http://registry:8081", "RADFLOW_WORKER_THREADS", "8",
                "RADFLOW_TRIGGER_QUIET_PERIOD", "250ms");
        RadflowConfig config = RadflowConfig.load(DEF, ConfigSource.environment(env));
        assertThat(config.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("broker:9093");
        assertThat(config.get(THREADS)).isEqualTo(8);
        assertThat(config.get(QUIET)).isEqualTo(Duration.ofMillis(250));
        assertThat(THREADS.envName()).isEqualTo("RADFLOW_WORKER_THREADS");
    }

    @Test
    void shouldLetEarlierSourcesWin(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("radflow.properties"),
                "worker.threads=3\nkafka.bootstrap.servers=file:1\nschema.registry.url=http://file\n");
        RadflowConfig config = RadflowConfig.load(DEF, List.of(
                ConfigSource.of("command line", Map.of("worker.threads", "5")),
                ConfigSource.environment(Map.of("RADFLOW_KAFKA_BOOTSTRAP_SERVERS", "env:2")),
                ConfigSource.propertiesFile(file)));
        assertThat(config.get(THREADS)).isEqualTo(5);
        assertThat(config.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("env:2");
        assertThat(config.get(CommonConfig.SCHEMA_REGISTRY_URL).getHost()).isEqualTo("file");
        assertThat(config.originOf(CommonConfig.SCHEMA_REGISTRY_URL)).startsWith("file ");
    }

    @Test
    void shouldListEveryBadValueAtOnceWithWhereItCameFrom() {
        Map<String, String> env = Map.of("RADFLOW_WORKER_THREADS", "lots", "RADFLOW_TRIGGER_QUIET_PERIOD", "-5s",
                "RADFLOW_KAFKA_BOOTSTRAP_SERVERS", "localhost");
        assertThatThrownBy(() -> RadflowConfig.load(DEF, ConfigSource.environment(env)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> {
                    List<String> problems = ((ConfigException) e).problems();
                    assertThat(problems).anyMatch(p -> p.contains("worker.threads") && p.contains("RADFLOW_WORKER_THREADS")
                            && p.contains("'lots'") && p.contains("expected an integer"));
                    assertThat(problems).anyMatch(p -> p.contains("trigger.quiet.period") && p.contains("duration"));
                    assertThat(problems).anyMatch(p -> p.contains("kafka.bootstrap.servers") && p.contains("host:port"));
                    assertThat(problems).anyMatch(p -> p.contains("schema.registry.url") && p.contains("required but not set")
                            && p.contains("RADFLOW_SCHEMA_REGISTRY_URL"));
                });
    }

    @Test
    void shouldRejectValuesOutsideTheirRange() {
        Map<String, String> values = new java.util.HashMap<>(CONNECTION);
        values.put("worker.threads", "0");
        assertThatThrownBy(() -> RadflowConfig.load(DEF, ConfigSource.of("command line", values)))
                .hasMessageContaining("worker.threads (command line): '0' must be between 1 and 64");
    }

    @Test
    void shouldRejectARelativeSchemaRegistryUrl() {
        assertThatThrownBy(() -> RadflowConfig.load(DEF, ConfigSource.of("t",
                Map.of("kafka.bootstrap.servers", "a:1", "schema.registry.url", "registry:8081/x"))))
                .hasMessageContaining("schema.registry.url").hasMessageContaining("http:// or https://");
    }

    @Test
    void shouldPassKafkaClientSettingsThroughFromFileAndEnvironment(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("c.properties"),
                "kafka.client.security.protocol=SSL\nkafka.client.ssl.truststore.location=/file\n");
        RadflowConfig config = RadflowConfig.load(DEF, List.of(
                ConfigSource.of("cli", CONNECTION),
                ConfigSource.environment(Map.of("RADFLOW_KAFKA_CLIENT_SSL_TRUSTSTORE_LOCATION", "/env")),
                ConfigSource.propertiesFile(file)));
        assertThat(config.passThrough(CommonConfig.KAFKA_CLIENT_PREFIX))
                .containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.location", "/env");
    }

    @Test
    void shouldRefuseToReadAKeyTheComponentDidNotDeclare() {
        RadflowConfig config = RadflowConfig.load(CommonConfig.DEFINITION, ConfigSource.of("t", CONNECTION));
        assertThatThrownBy(() -> config.get(THREADS)).hasMessageContaining("not declared");
    }

    @Test
    void shouldReportAnUnreadableConfigFile(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigSource.propertiesFile(dir.resolve("missing.properties")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.properties");
    }

    @Test
    void shouldParseDurationsInEveryAcceptedForm() {
        assertThat(ConfigType.DURATION_TYPE.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigType.DURATION_TYPE.parse("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(ConfigType.DURATION_TYPE.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ConfigType.DURATION_TYPE.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(ConfigType.DURATION_TYPE.parse("PT1M")).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> ConfigType.DURATION_TYPE.parse("soon")).hasMessageContaining("expected a duration");
    }

    @Test
    void shouldDocumentEveryKeyAsMarkdown() {
        String md = DEF.toMarkdown();
        assertThat(md).contains("`worker.threads` | `RADFLOW_WORKER_THREADS` | int | `2` | threads");
        assertThat(md).contains("`kafka.bootstrap.servers`").contains("**required**");
    }

    @Test
    void shouldRefuseTheSameKeyDeclaredTwice() {
        ConfigKey<Integer> clash = ConfigKey.of("worker.threads", ConfigType.INT, 1, "again");
        assertThatThrownBy(() -> DEF.and(ConfigDefinition.of("other", List.of(clash))))
                .hasMessageContaining("declared twice: worker.threads");
    }
}
