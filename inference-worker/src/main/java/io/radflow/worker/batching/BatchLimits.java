package io.radflow.worker.batching;

import java.time.Duration;

/**
 * How a model version's jobs are grouped: at most {@code maxBatchSize} per batch, and no job waits
 * longer than {@code maxQueueDelay} for batch-mates (zero: run whatever is queued right away).
 */
public record BatchLimits(int maxBatchSize, Duration maxQueueDelay) {

    public BatchLimits {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1, got " + maxBatchSize);
        }
        if (maxQueueDelay.isNegative()) {
            throw new IllegalArgumentException("maxQueueDelay must not be negative");
        }
    }

    /** From a version's batching settings; nonsense values (0, negative) mean "no batching, no delay". */
    public static BatchLimits of(int maxBatchSize, int maxQueueDelayMs) {
        return new BatchLimits(Math.max(1, maxBatchSize), Duration.ofMillis(Math.max(0, maxQueueDelayMs)));
    }
}
