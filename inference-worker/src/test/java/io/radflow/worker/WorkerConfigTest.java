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

    @Test
    void shouldTypeEverySettingOnceWithTheWorkerIdFallingBackToTheGivenDefault() {
        Map<String, String> m = base();
        m.put("worker.threads", "3");
        m.put("worker.retry.max.attempts", "7");
        m.put("worker.model.timeout", "90s");
        m.put("worker.gpu.device.id", "2");
        m.put("content.store.dir", "/data/content");
        RadflowConfig c = RadflowConfig.load(WorkerConfig.FULL, ConfigSource.of("test", m));

        WorkerSettings s = WorkerSettings.from(c, "host-dev");

        assertThat(s.workerId()).as("worker.id unset").isEqualTo("host-dev");
        assertThat(s.threads()).isEqualTo(3);
        assertThat(s.retry().maxAttempts()).isEqualTo(7);
        assertThat(s.modelTimeout()).isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(s.onnx().gpuDeviceId()).isEqualTo(2);
        assertThat(s.contentStoreDir()).isEqualTo(java.nio.file.Path.of("/data/content"));
        m.put("worker.id", "pod-7");
        assertThat(WorkerSettings.from(RadflowConfig.load(WorkerConfig.FULL, ConfigSource.of("test", m)), "host-dev").workerId())
                .isEqualTo("pod-7");
    }
}
