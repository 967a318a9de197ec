package io.radflow.worker.execution;

import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.worker.consumer.ConsumedJob;
import io.radflow.worker.settings.ResolvedVersion;

/**
 * A decoded job waiting for (or in) a batch: its source, its model version, and which attempt this is.
 *
 * @param attempt       1 for the first try
 * @param enqueuedNanos when this attempt joined the queue (for the queue-wait timer)
 * @param alone         run this attempt in a batch of its own (see {@link #nextAttempt})
 */
public record QueuedJob(ConsumedJob consumed, InferenceJob job, ResolvedVersion version, int attempt, long enqueuedNanos,
                        boolean alone) {

    public QueuedJob(ConsumedJob consumed, InferenceJob job, ResolvedVersion version, int attempt, long enqueuedNanos) {
        this(consumed, job, version, attempt, enqueuedNanos, false);
    }

    /**
     * The next attempt after a failure for {@code reason}. After a hang or a crash it runs alone: a
     * model killed with the whole call fails every job of the batch, so retrying them together
     * would let one bad job use up its neighbours' attempts. Other retries (an HTTP model away, a
     * content fetch timing out) batch as usual.
     */
    public QueuedJob nextAttempt(Reason reason) {
        boolean isolate = reason == Reason.MODEL_TIMEOUT || reason == Reason.RUNTIME_CRASHED;
        return new QueuedJob(consumed, job, version, attempt + 1, System.nanoTime(), isolate);
    }
}
