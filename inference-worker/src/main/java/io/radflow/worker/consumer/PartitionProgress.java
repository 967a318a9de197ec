package io.radflow.worker.consumer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Offsets of one assigned partition between consumption and commit. Jobs finish out of order
 * (batches, retries), but outcomes are published only as a contiguous prefix in offset order,
 * in the same transaction as the offset after that prefix: whatever a crash interrupts is run
 * again, and nothing published is ever run twice. Used by the consumer loop's thread only, except
 * {@link #revoked()}.
 */
public final class PartitionProgress {

    private final TopicPartition partition;
    private final ArrayDeque<Long> pending = new ArrayDeque<>();
    private final Map<Long, JobOutcome> done = new HashMap<>();
    private volatile boolean revoked;

    public PartitionProgress(TopicPartition partition) {
        this.partition = partition;
    }

    public TopicPartition partition() {
        return partition;
    }

    public boolean revoked() {
        return revoked;
    }

    void revoke() {
        revoked = true;
    }

    void consumed(long offset) {
        pending.addLast(offset);
    }

    void completed(JobOutcome outcome) {
        done.put(outcome.consumed().offset(), outcome);
    }

    /** The finished outcomes at the head, in offset order; not removed until {@link #committed(int)}. */
    List<JobOutcome> committable() {
        List<JobOutcome> out = new ArrayList<>();
        for (Long offset : pending) {
            JobOutcome o = done.get(offset);
            if (o == null) {
                break;
            }
            out.add(o);
        }
        return out;
    }

    /** Removes the first {@code n} outcomes, which a committed transaction published. */
    void committed(int n) {
        for (int i = 0; i < n; i++) {
            done.remove(pending.removeFirst());
        }
    }

    /** Removes outcomes below {@code nextOffset}, which a transaction in doubt turned out to have committed. */
    int committedUpTo(long nextOffset) {
        int n = 0;
        while (!pending.isEmpty() && pending.peekFirst() < nextOffset) {
            done.remove(pending.removeFirst());
            n++;
        }
        return n;
    }

    /** Jobs consumed and not yet committed. */
    int pendingCount() {
        return pending.size();
    }
}
