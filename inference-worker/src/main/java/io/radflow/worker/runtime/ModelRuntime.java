package io.radflow.worker.runtime;

import io.radflow.schemas.avro.RuntimeKind;

/**
 * One way of executing models (ONNX Runtime in-process, MD.ai Python packages in a subprocess,
 * external HTTP models). The worker picks the runtime by the version's {@link RuntimeKind}; the
 * rest of the pipeline (batching, validation, publishing, retries) is the same for all of them.
 */
public interface ModelRuntime extends AutoCloseable {

    RuntimeKind kind();

    /**
     * Loads a model version.
     *
     * @throws io.radflow.common.error.RadflowException {@code MODEL_LOAD_FAILED} when the artifact
     *         cannot be used (permanent), {@code RUNTIME_UNAVAILABLE} when the runtime itself is not
     *         ready (retriable)
     */
    LoadedModel load(ModelSpec spec);

    /** False when the runtime cannot load or run anything (backs /health). */
    boolean healthy();

    /** Releases what the runtime holds beyond its loaded models; idempotent. */
    @Override
    void close();
}
