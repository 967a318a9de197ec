package io.radflow.ingestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.common.config.ConfigException;
import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad configuration and options stop the sources at start-up with every problem named. */
class IngestionConfigTest {

    private static final Map<String, String> CONNECTION = Map.of("kafka.bootstrap.servers", "127.0.0.1:9092",
            "schema.registry.url", "http://127.0.0.1:8081");

    private static RadflowConfig bridgeConfig(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(CONNECTION);
        all.putAll(values);
        return RadflowConfig.load(OrthancBridgeConfig.DEFINITION, ConfigSource.of("test", all));
    }

    @Test
    void shouldListEveryBadBridgeSetting() {
        assertThatThrownBy(() -> bridgeConfig(Map.of("orthanc.url", "ftp://orthanc", "orthanc.bridge.batch.size", "0",
                "orthanc.bridge.poll.interval", "0s", "orthanc.bridge.project", "  ", "orthanc.basic.auth", "nocolon")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("orthanc.url").hasMessageContaining("orthanc.bridge.batch.size")
                .hasMessageContaining("orthanc.bridge.poll.interval").hasMessageContaining("orthanc.bridge.project")
                .hasMessageContaining("orthanc.basic.auth");
    }

    @Test
    void shouldRefuseToCreateABridgeWithoutOrthancOrProject() {
        assertThat(OrthancBridge.configured(bridgeConfig(Map.of()))).isFalse();
        assertThatThrownBy(() -> OrthancBridge.create(bridgeConfig(Map.of("orthanc.bridge.project", "p")), new SimpleMeterRegistry()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("orthanc.url");
        assertThatThrownBy(() -> OrthancBridge.create(bridgeConfig(Map.of("orthanc.url", "http://127.0.0.1:8042")), new SimpleMeterRegistry()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("orthanc.bridge.project");
        assertThat(OrthancBridge.configured(bridgeConfig(Map.of("orthanc.url", "http://127.0.0.1:8042", "orthanc.bridge.project", "p"))))
                .isTrue();
    }

    @Test
    void shouldRefuseAnUploadWithoutProjectOrWithABlankOne() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new UploadCommand()).setErr(new PrintWriter(err)).setOut(new PrintWriter(new StringWriter()));
        assertThat(cli.execute("--dataset", "d", "/tmp")).isEqualTo(2);
        assertThat(err.toString()).contains("--project");
        assertThat(cli.execute("--project", " ", "--dataset", "d", "/tmp")).isEqualTo(2);
        assertThat(err.toString()).contains("must not be blank");
    }
}
