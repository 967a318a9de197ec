package io.radflow.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.config.ConfigException;
import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import io.radflow.schemas.avro.Device;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

    private static Map<String, String> base() {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap.servers", "localhost:9092");
        m.put("schema.registry.url", "http://localhost:8081");
        return m;
    }

    @Test
    void shouldDefaultToOneCpuThreadAndReadOverrides() {
        RadflowConfig c = RadflowConfig.load(WorkerConfig.FULL, ConfigSource.of("test", base()));
        assertThat(c.get(WorkerConfig.THREADS)).isEqualTo(1);
        assertThat(c.get(WorkerConfig.DEVICE)).isEqualTo(Device.CPU);
        assertThat(c.find(WorkerConfig.WORKER_ID)).isEmpty();
        Map<String, String> m = base();
        m.put("worker.device", "GPU");
        m.put("worker.model.cache.size", "9");
        RadflowConfig o = RadflowConfig.load(WorkerConfig.FULL, ConfigSource.of("test", m));
        assertThat(o.get(WorkerConfig.DEVICE)).isEqualTo(Device.GPU);
        assertThat(o.get(WorkerConfig.MODEL_CACHE_SIZE)).isEqualTo(9);
    }

    @Test
    void shouldListEveryBadValueAtOnce() {
        Map<String, String> m = base();
        m.put("worker.threads", "0");
        m.put("worker.device", "tpu");
        m.put("worker.commit.interval", "soon");
        assertThatThrownBy(() -> RadflowConfig.load(WorkerConfig.FULL, ConfigSource.of("test", m)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(3))
                .hasMessageContaining("worker.threads").hasMessageContaining("must be at least 1")
                .hasMessageContaining("worker.device").hasMessageContaining("expected one of cpu, gpu")
                .hasMessageContaining("worker.commit.interval");
    }
}
