package io.radflow.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.config.ConfigException;
import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The viewer's keys: defaults, and one clear line per bad value. */
class ViewerConfigTest {

    @Test
    void shouldStartFromDefaultsThatServeOnAFreeLocalPort() {
        RadflowConfig config = RadflowConfig.load(ViewerConfig.KEYS, ConfigSource.of("test", Map.of()));
        assertThat(config.get(ViewerConfig.HTTP_HOST)).isEqualTo("127.0.0.1");
        assertThat(config.get(ViewerConfig.HTTP_PORT)).isZero();
        assertThat(config.get(ViewerConfig.SSE_KEEP_ALIVE)).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.get(ViewerConfig.STATE_DIR)).isNull();
    }

    @Test
    void shouldRefuseBadValuesWithOneLineEach() {
        assertThatThrownBy(() -> RadflowConfig.load(ViewerConfig.KEYS, ConfigSource.of("test", Map.of(
                "viewer.http.port", "70000", "viewer.sse.keep.alive", "0s", "viewer.frame.cache.size", "-1",
                "viewer.max.instance.bytes", "0", "viewer.http.host", " ", "registry.admin.api.key", "short"))))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(6))
                .hasMessageContaining("viewer.http.port (test): '70000' must be between 0 and 65535")
                .hasMessageContaining("viewer.sse.keep.alive")
                .hasMessageContaining("viewer.frame.cache.size")
                .hasMessageContaining("viewer.max.instance.bytes")
                .hasMessageContaining("viewer.http.host")
                .hasMessageContaining("registry.admin.api.key");
    }
}
