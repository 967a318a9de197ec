package io.radflow.worker.consumer;

import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The hand-over from executor threads to the consumer loop: finished jobs and status records wait
 * here until the loop's thread takes them into its next transaction. Made before both sides, so
 * neither needs the other to exist first.
 */
public final class Outcomes implements OutcomeSink {

    private final ConcurrentLinkedQueue<JobOutcome> completions = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<SideRecord> sideRecords = new ConcurrentLinkedQueue<>();

    @Override
    public void completed(JobOutcome outcome) {
        completions.add(outcome);
    }

    @Override
    public void publish(ConsumedJob job, ProducerRecord<String, byte[]> record) {
        sideRecords.add(new SideRecord(job, record));
    }

    /** The next finished job, or null. */
    JobOutcome nextCompleted() {
        return completions.poll();
    }

    /** The next status record, or null. */
    SideRecord nextSideRecord() {
        return sideRecords.poll();
    }

    boolean noSideRecords() {
        return sideRecords.isEmpty();
    }

    /** A status record of a job in flight, kept with the job so it can be dropped once the job's partition is revoked. */
    record SideRecord(ConsumedJob job, ProducerRecord<String, byte[]> record) {
    }
}
