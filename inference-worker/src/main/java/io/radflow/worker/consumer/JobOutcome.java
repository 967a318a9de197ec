package io.radflow.worker.consumer;

import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The final result of one consumed job: the records to publish (predictions and status, or a
 * dead letter and status), already serialized, plus what the metrics count once it is committed.
 *
 * @param modelId may be null for a record that never decoded into a job
 * @param version may be null likewise
 * @param outcome one of the {@code WorkerMetrics} job outcomes
 */
public record JobOutcome(ConsumedJob consumed, List<ProducerRecord<String, byte[]>> records, String modelId,
                         Integer version, String outcome) {

    public JobOutcome {
        records = List.copyOf(records);
    }
}
