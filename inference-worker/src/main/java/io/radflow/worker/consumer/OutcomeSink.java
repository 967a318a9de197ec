package io.radflow.worker.consumer;

import org.apache.kafka.clients.producer.ProducerRecord;

/** Where executor threads hand results to the consumer loop, which publishes them in its transactions. */
public interface OutcomeSink {

    /** A job is finished; its records go out with its offset. */
    void completed(JobOutcome outcome);

    /**
     * A record not tied to an offset (a RUNNING or RETRYING status of {@code job}); published with the
     * next transaction, unless the job's partition was revoked by then: its new owner reports the job
     * from then on, and a late status from here could follow the new owner's final one.
     */
    void publish(ConsumedJob job, ProducerRecord<String, byte[]> record);
}
