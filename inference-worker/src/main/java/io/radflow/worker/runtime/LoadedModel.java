package io.radflow.worker.runtime;

import io.radflow.schemas.avro.Device;
import java.time.Duration;
import java.util.List;

/**
 * A model version a runtime has loaded (an ONNX session, a Python subprocess, an HTTP client).
 * The worker's model cache holds it and closes it when it is evicted or unhealthy.
 */
public interface LoadedModel extends AutoCloseable {

    ModelSpec spec();

    /** Where the model actually runs (CPU when a GPU was asked for but is not available). */
    Device device();

    /**
     * Runs one batch. Returns exactly one result per request, in order: a failed request never
     * fails its batch-mates. A request that takes the batch past {@code timeout} fails with
     * {@code MODEL_TIMEOUT}; a crashed runtime fails its requests with {@code RUNTIME_CRASHED} and
     * reports itself unhealthy, so the cache restarts it.
     *
     * @throws io.radflow.common.error.RadflowException only when the whole batch failed for one reason
     */
    List<ItemResult> run(List<ModelRequest> batch, Duration timeout);

    /** False once the model can no longer run (crashed subprocess); the cache then loads it again. */
    boolean healthy();

    /** Unloads the model; idempotent. */
    @Override
    void close();
}
