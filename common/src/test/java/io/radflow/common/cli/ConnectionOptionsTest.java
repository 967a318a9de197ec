package io.radflow.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConnectionOptionsTest {

    @TempDir
    Path home;

    @AfterEach
    void clear() {
        DevStackState.clear(home);
    }

    private static ConnectionOptions parse(String... args) {
        ConnectionOptions options = new ConnectionOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Test
    void shouldConnectToARunningDevStackWhenNothingElseIsGiven() throws Exception {
        DevStackState.write(home, Map.of("kafka.bootstrap.servers", "127.0.0.1:40001",
                "schema.registry.url", "http://127.0.0.1:40002/apis/ccompat/v7"));
        RadflowConfig config = RadflowConfig.load(CommonConfig.DEFINITION, parse().sources(Map.of(), home));
        assertThat(config.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("127.0.0.1:40001");
        assertThat(config.originOf(CommonConfig.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("running ./radflow dev");
    }

    @Test
    void shouldPreferExplicitOptionsOverTheDevStack() throws Exception {
        DevStackState.write(home, Map.of("kafka.bootstrap.servers", "127.0.0.1:40001",
                "schema.registry.url", "http://127.0.0.1:40002"));
        RadflowConfig config = RadflowConfig.load(CommonConfig.DEFINITION,
                parse("--bootstrap-servers", "prod:9092", "--schema-registry-url", "http://sr:8081").sources(Map.of(), home));
        assertThat(config.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("prod:9092");
        assertThat(config.get(CommonConfig.SCHEMA_REGISTRY_URL).getHost()).isEqualTo("sr");
    }

    @Test
    void shouldPreferTheEnvironmentOverTheDevStack() throws Exception {
        DevStackState.write(home, Map.of("kafka.bootstrap.servers", "127.0.0.1:40001",
                "schema.registry.url", "http://127.0.0.1:40002"));
        var sources = parse().sources(Map.of("RADFLOW_KAFKA_BOOTSTRAP_SERVERS", "env:9092",
                "RADFLOW_SCHEMA_REGISTRY_URL", "http://env:8081"), home);
        assertThat(sources).noneMatch(s -> s.name().contains("radflow dev"));
    }

    @Test
    void shouldIgnoreAStateFileLeftByAProcessThatIsGone() throws Exception {
        DevStackState.write(home, Map.of("kafka.bootstrap.servers", "127.0.0.1:40001"));
        // Rewrite the pid to one that cannot be alive.
        Path file = DevStackState.file(home);
        String text = java.nio.file.Files.readString(file).replaceAll("pid=\\d+", "pid=999999999");
        java.nio.file.Files.writeString(file, text);
        assertThat(DevStackState.read(home)).isEmpty();
    }

    @Test
    void shouldLetEverySourceOverrideACommandDefault() throws Exception {
        ConnectionOptions options = parse("--set", "content.store.dir=/from-cli");
        options.defaultTo("content.store.dir", "/scratch/content");
        options.defaultTo("artifact.store.dir", "/scratch/artifacts");
        var sources = options.sources(Map.of("RADFLOW_ARTIFACT_STORE_DIR", "/from-env"), home);

        assertThat(sources.get(sources.size() - 1).name()).isEqualTo("command defaults");
        assertThat(sources).filteredOn(s -> s.get("content.store.dir").isPresent()).first()
                .satisfies(s -> assertThat(s.get("content.store.dir")).contains("/from-cli"));
        assertThat(sources).filteredOn(s -> s.get("artifact.store.dir").isPresent()).first()
                .satisfies(s -> assertThat(s.get("artifact.store.dir")).contains("/from-env"));
    }

    @Test
    void shouldSetOnlyTheOptionsTheUserGave() {
        ConnectionOptions options = parse();
        options.setIfGiven("worker.threads", 4);
        options.setIfGiven("worker.device", null);
        var cli = options.sources(Map.of(), home).get(0);
        assertThat(cli.get("worker.threads")).contains("4");
        assertThat(cli.get("worker.device")).isEmpty();
    }

    @Test
    void shouldTakeAnyKeyFromSet() {
        var sources = parse("--set", "worker.threads=4", "--bootstrap-servers", "a:1").sources(Map.of(), home);
        assertThat(sources.get(0).get("worker.threads")).contains("4");
        assertThat(sources.get(0).get("kafka.bootstrap.servers")).contains("a:1");
    }
}
