package io.radflow.worker.execution;

import io.radflow.schemas.avro.InferenceJob;
import io.radflow.worker.consumer.ConsumedJob;
import io.radflow.worker.settings.ResolvedVersion;

/**
 * A decoded job waiting for (or in) a batch: its source, its model version, and which attempt this is.
 *
 * @param attempt       1 for the first try
 * @param enqueuedNanos when this attempt joined the queue (for the queue-wait timer)
 */
public record QueuedJob(ConsumedJob consumed, InferenceJob job, ResolvedVersion version, int attempt, long enqueuedNanos) {

    public QueuedJob nextAttempt() {
        return new QueuedJob(consumed, job, version, attempt + 1, System.nanoTime());
    }
}
