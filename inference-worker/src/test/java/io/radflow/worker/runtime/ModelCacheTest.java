package io.radflow.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.InputType;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import io.radflow.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelCacheTest {

    /** A runtime that counts what it loads; its models can be told to crash. */
    static final class CountingRuntime implements ModelRuntime {
        final List<FakeModel> loaded = new ArrayList<>();
        boolean failLoads;
        Runnable duringLoad = () -> { };

        @Override
        public RuntimeKind kind() {
            return RuntimeKind.ONNX;
        }

        @Override
        public LoadedModel load(ModelSpec spec) {
            if (failLoads) {
                throw new RadflowException(Reason.MODEL_LOAD_FAILED, "broken artifact");
            }
            FakeModel m = new FakeModel(spec);
            loaded.add(m);
            duringLoad.run();
            return m;
        }

        @Override
        public boolean healthy() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    static final class FakeModel implements LoadedModel {
        final ModelSpec spec;
        boolean closed;
        boolean crashed;

        FakeModel(ModelSpec spec) {
            this.spec = spec;
        }

        @Override
        public ModelSpec spec() {
            return spec;
        }

        @Override
        public Device device() {
            return Device.CPU;
        }

        @Override
        public List<ItemResult> run(List<ModelRequest> batch, Duration timeout) {
            return List.of();
        }

        @Override
        public boolean healthy() {
            return !crashed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static ModelSpec spec(String id) {
        return new ModelSpec(new ModelKey(id, 1), RuntimeKind.ONNX, Device.CPU, Scope.INSTANCE, InputType.DICOM, null, null, null,
                List.of(), Map.of(), 1);
    }

    private final CountingRuntime runtime = new CountingRuntime();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ModelCache cache = new ModelCache(2, new RuntimeRegistry(List.of(runtime)), new WorkerMetrics(meters));

    @Test
    void shouldLoadOnceAndReuse() {
        cache.acquire(spec("a")).close();
        cache.acquire(spec("a")).close();
        assertThat(runtime.loaded).hasSize(1);
    }

    @Test
    void shouldUnloadTheLeastRecentlyUsedBeyondItsSize() {
        cache.acquire(spec("a")).close();
        cache.acquire(spec("b")).close();
        cache.acquire(spec("a")).close();
        cache.acquire(spec("c")).close();
        assertThat(cache.keys()).containsExactlyInAnyOrder(new ModelKey("a", 1), new ModelKey("c", 1));
        assertThat(runtime.loaded.get(1).closed).as("b unloaded").isTrue();
        assertThat(runtime.loaded.get(0).closed).isFalse();
    }

    @Test
    void shouldCloseAnEvictedModelOnlyAfterItsRunEnds() {
        ModelCache.Lease running = cache.acquire(spec("a"));
        cache.acquire(spec("b")).close();
        cache.acquire(spec("c")).close();
        assertThat(runtime.loaded.get(0).closed).as("still running").isFalse();
        running.close();
        assertThat(runtime.loaded.get(0).closed).isTrue();
    }

    @Test
    void shouldCloseAModelWhoseLoadEndsAfterTheCacheClosed() {
        runtime.duringLoad = cache::close;
        assertThatThrownBy(() -> cache.acquire(spec("a"))).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(runtime.loaded.get(0).closed).isTrue();
    }

    @Test
    void shouldRestartAModelThatCrashed() {
        cache.acquire(spec("a")).close();
        runtime.loaded.get(0).crashed = true;
        try (ModelCache.Lease lease = cache.acquire(spec("a"))) {
            assertThat(lease.model()).isSameAs(runtime.loaded.get(1));
        }
        assertThat(runtime.loaded.get(0).closed).isTrue();
        assertThat(meters.get(WorkerMetrics.MODEL_LOADS).tag("outcome", "loaded").counter().count()).isEqualTo(2);
    }

    @Test
    void shouldReloadWhenTheVersionsSettingsChanged() {
        cache.acquire(spec("a")).close();
        ModelSpec changed = new ModelSpec(new ModelKey("a", 1), RuntimeKind.ONNX, Device.CPU, Scope.INSTANCE, InputType.DICOM, null,
                null, null, List.of(), Map.of("mask.threshold", "0.7"), 1);
        cache.acquire(changed).close();
        assertThat(runtime.loaded).hasSize(2);
    }

    @Test
    void shouldPassOnLoadFailuresAndCountThem() {
        runtime.failLoads = true;
        assertThatThrownBy(() -> cache.acquire(spec("a"))).isInstanceOfSatisfying(RadflowException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.MODEL_LOAD_FAILED));
        assertThat(meters.get(WorkerMetrics.MODEL_LOADS).tag("outcome", "failed").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldRefuseAVersionWhoseRuntimeThisWorkerLacks() {
        ModelSpec python = new ModelSpec(new ModelKey("p", 1), RuntimeKind.MDAI_PYTHON, Device.CPU, Scope.INSTANCE, InputType.DICOM,
                null, null, null, List.of(), Map.of(), 1);
        assertThatThrownBy(() -> cache.acquire(python)).hasMessageContaining("this worker has no MDAI_PYTHON runtime");
    }
}
