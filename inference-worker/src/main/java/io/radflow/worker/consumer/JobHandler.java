package io.radflow.worker.consumer;

import java.util.Collection;

/** What the consumer loop hands its jobs to: the worker's processing side. */
public interface JobHandler {

    /** A job record was consumed (on the loop's thread; must not block). */
    void accept(ConsumedJob job, byte[] value);

    /** These partitions went away: their queued jobs are no longer this worker's to run. */
    void revoked(Collection<PartitionProgress> partitions);
}
