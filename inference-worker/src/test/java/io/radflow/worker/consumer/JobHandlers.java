package io.radflow.worker.consumer;

import java.util.Collection;
import java.util.function.BiConsumer;

/** Job handlers for the consumer loop's tests. */
final class JobHandlers {

    private JobHandlers() {
    }

    /** Hands every consumed job to {@code accept}; revocations need nothing done. */
    static JobHandler accepting(BiConsumer<ConsumedJob, byte[]> accept) {
        return new JobHandler() {
            @Override
            public void accept(ConsumedJob job, byte[] value) {
                accept.accept(job, value);
            }

            @Override
            public void revoked(Collection<PartitionProgress> partitions) {
            }
        };
    }
}
