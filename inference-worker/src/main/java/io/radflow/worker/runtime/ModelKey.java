package io.radflow.worker.runtime;

import java.util.Objects;

/** One model version: what jobs name and what the worker batches and caches by. */
public record ModelKey(String modelId, int version) {

    public ModelKey {
        Objects.requireNonNull(modelId, "modelId");
    }

    @Override
    public String toString() {
        return modelId + ":" + version;
    }
}
