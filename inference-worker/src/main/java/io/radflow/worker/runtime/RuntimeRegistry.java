package io.radflow.worker.runtime;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.RuntimeKind;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The runtimes this worker has, by kind. A version whose kind has none here cannot run on this worker. */
public final class RuntimeRegistry implements AutoCloseable {

    private final Map<RuntimeKind, ModelRuntime> runtimes = new EnumMap<>(RuntimeKind.class);

    public RuntimeRegistry(List<ModelRuntime> runtimes) {
        for (ModelRuntime r : runtimes) {
            if (this.runtimes.putIfAbsent(r.kind(), r) != null) {
                throw new IllegalArgumentException("two runtimes for " + r.kind());
            }
        }
    }

    public ModelRuntime runtimeFor(RuntimeKind kind) {
        ModelRuntime r = runtimes.get(kind);
        if (r == null) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "this worker has no " + kind
                    + " runtime (it has " + runtimes.keySet() + ")");
        }
        return r;
    }

    public boolean healthy() {
        return runtimes.values().stream().allMatch(ModelRuntime::healthy);
    }

    @Override
    public void close() {
        runtimes.values().forEach(ModelRuntime::close);
    }
}
