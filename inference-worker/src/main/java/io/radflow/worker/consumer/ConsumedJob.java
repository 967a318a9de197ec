package io.radflow.worker.consumer;

import org.apache.kafka.common.TopicPartition;

/**
 * Where a job record came from: its coordinates, the assignment it was consumed under, and when.
 * Its outcome is published in the transaction that commits its offset, or dropped if the
 * partition was revoked meanwhile (the new owner runs it again).
 */
public record ConsumedJob(TopicPartition partition, long offset, String key, PartitionProgress progress, long consumedAtNanos) {

    /** False once the partition was revoked or lost: the job's results must not be published. */
    public boolean current() {
        return !progress.revoked();
    }
}
