package io.radflow.worker;

import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.worker.runtime.ItemResult;
import io.radflow.worker.runtime.LoadedModel;
import io.radflow.worker.runtime.ModelRequest;
import io.radflow.worker.runtime.ModelRuntime;
import io.radflow.worker.runtime.ModelSpec;
import java.time.Duration;
import java.util.List;

/** A real runtime whose batches take at least {@code delayMs} longer, so a crash or a broker restart lands mid-run. */
final class SlowRuntime implements ModelRuntime {

    private final ModelRuntime inner;
    private final long delayMs;

    SlowRuntime(ModelRuntime inner, long delayMs) {
        this.inner = inner;
        this.delayMs = delayMs;
    }

    @Override
    public RuntimeKind kind() {
        return inner.kind();
    }

    @Override
    public LoadedModel load(ModelSpec spec) {
        LoadedModel m = inner.load(spec);
        return new LoadedModel() {
            @Override
            public ModelSpec spec() {
                return m.spec();
            }

            @Override
            public Device device() {
                return m.device();
            }

            @Override
            public List<ItemResult> run(List<ModelRequest> batch, Duration timeout) {
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return m.run(batch, timeout);
            }

            @Override
            public boolean healthy() {
                return m.healthy();
            }

            @Override
            public void close() {
                m.close();
            }
        };
    }

    @Override
    public boolean healthy() {
        return inner.healthy();
    }

    @Override
    public void close() {
        inner.close();
    }
}
