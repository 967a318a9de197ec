package io.radflow.worker.consumer;

import org.apache.kafka.clients.producer.ProducerRecord;

/** Where executor threads hand results to the consumer loop, which publishes them in its transactions. */
public interface OutcomeSink {

    /** A job is finished; its records go out with its offset. */
    void completed(JobOutcome outcome);

    /** A record not tied to an offset (a RUNNING or RETRYING status); published with the next transaction. */
    void publish(ProducerRecord<String, byte[]> record);
}
