package io.radflow.worker.execution;

import io.radflow.worker.batching.BatchLimits;
import io.radflow.worker.batching.DynamicBatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a job waits to be batched: under its model version's batching limits, or in a batch of
 * its own when the attempt must run alone (a retry after a hang or a crash, see
 * {@link QueuedJob#nextAttempt}), so only the job that caused it ends in the DLQ. New jobs (from
 * the intake) and retries (from the failure handler) both come in here.
 */
final class BatchQueue {

    private static final Logger log = LoggerFactory.getLogger(BatchQueue.class);

    private final DynamicBatcher<QueuedJob> batcher;

    BatchQueue(DynamicBatcher<QueuedJob> batcher) {
        this.batcher = batcher;
    }

    void enqueue(QueuedJob q) {
        if (!q.consumed().current()) {
            return;
        }
        var b = q.version().version().getBatching();
        String key = q.alone() ? q.version().key() + "#alone:" + q.job().getJobId() : q.version().key().toString();
        BatchLimits limits = q.alone() ? BatchLimits.of(1, 0) : BatchLimits.of(b.getMaxBatchSize(), b.getMaxQueueDelayMs());
        if (!batcher.offer(key, limits, q)) {
            log.debug("batcher closed, leaving job to the partition's next owner jobId={}", q.job().getJobId());
        }
    }
}
