package io.radflow.worker.consumer;

import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobFailure;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.Prediction;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The worker's output records, serialized where they are built (on executor threads) so the
 * consumer loop's transactions only move bytes. Keys follow the catalog: predictions by study
 * UID, statuses and dead letters by job id.
 */
public final class OutputRecords {

    private final Serializer<Prediction> predictions;
    private final Serializer<JobStatus> statuses;
    private final Serializer<JobFailure> failures;
    private final Deserializer<InferenceJob> jobs;
    private final RecordSizeLimit limit;

    public OutputRecords(TopicSerdes serdes, RecordSizeLimit limit) {
        this.limit = limit;
        this.predictions = serdes.valueSerializer(TopicCatalog.PREDICTIONS);
        this.statuses = serdes.valueSerializer(TopicCatalog.JOB_STATUS);
        this.failures = serdes.valueSerializer(TopicCatalog.INFERENCE_JOBS_DLQ);
        this.jobs = serdes.valueDeserializer(TopicCatalog.INFERENCE_JOBS);
    }

    /** @throws io.radflow.common.error.RadflowException OUTPUT_TOO_LARGE when the producer could not send it */
    public ProducerRecord<String, byte[]> prediction(Prediction p) {
        return limit.check(record(TopicCatalog.PREDICTIONS, p.getStudyInstanceUid(), predictions.serialize(TopicCatalog.PREDICTIONS.name(), p), List.of()));
    }

    /** @throws io.radflow.common.error.RadflowException OUTPUT_TOO_LARGE when the producer could not send it */
    public ProducerRecord<String, byte[]> status(JobStatus s) {
        return limit.check(record(TopicCatalog.JOB_STATUS, s.getJobId(), statuses.serialize(TopicCatalog.JOB_STATUS.name(), s), List.of()));
    }

    /** Not checked: see {@link #fits}, which the dead letters use to leave out what makes one too large. */
    public ProducerRecord<String, byte[]> deadLetter(JobFailure f, Iterable<Header> headers) {
        return record(TopicCatalog.INFERENCE_JOBS_DLQ, f.getJobId(),
                failures.serialize(TopicCatalog.INFERENCE_JOBS_DLQ.name(), f), headers);
    }

    /** True when the producer can send the record. */
    public boolean fits(ProducerRecord<String, byte[]> record) {
        return limit.fits(record);
    }

    /** Decodes a consumed job value. */
    public InferenceJob job(String topic, byte[] value) {
        return jobs.deserialize(topic, value);
    }

    private static ProducerRecord<String, byte[]> record(Topic<String, ?> topic, String key, byte[] value, Iterable<Header> headers) {
        return new ProducerRecord<>(topic.name(), null, key, value, headers);
    }
}
