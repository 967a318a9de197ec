package io.radflow.bench.trigger;

import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.routing.InstanceRouting;
import io.radflow.trigger.group.InstanceRecord;
import io.radflow.trigger.job.JobFactory;
import io.radflow.trigger.upload.UploadValidator;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The trigger's own work for one upload at INSTANCE scope, done by the trigger's classes but without
 * Kafka Streams and without state: decode and check the upload, ask the version's routing rules,
 * build and hash its job, encode the job. A plain loop doing this shows how much of the trigger's gap to the copying loop is that work
 * itself, and how much is Kafka Streams, the deduplication store and its changelog. Every upload
 * must be valid (the benchmark produces them): this is a measurement, not a second trigger.
 */
final class InstanceJobWork implements PlainLoop.Transform {

    private final String uploadsTopic;
    private final Deserializer<DatasetUploadEvent> uploads;
    private final Serializer<String> jobKeys;
    private final Serializer<InferenceJob> jobs;
    private final String modelId;
    private final int modelVersion;

    InstanceJobWork(String uploadsTopic, Deserializer<DatasetUploadEvent> uploads, Serializer<String> jobKeys,
                    Serializer<InferenceJob> jobs, String modelId, int modelVersion) {
        this.uploadsTopic = uploadsTopic;
        this.uploads = uploads;
        this.jobKeys = jobKeys;
        this.jobs = jobs;
        this.modelId = modelId;
        this.modelVersion = modelVersion;
    }

    @Override
    public ProducerRecord<byte[], byte[]> apply(String output, ConsumerRecord<byte[], byte[]> consumed) {
        DatasetUploadEvent event = uploads.deserialize(uploadsTopic, consumed.value());
        UploadValidator.check(new String(consumed.key(), StandardCharsets.UTF_8), event).ifPresent(problem -> {
            throw new IllegalStateException("benchmark upload rejected at offset " + consumed.offset() + ": " + problem.message());
        });
        if (!(event.getPayload() instanceof DataUploaded data)) {
            throw new IllegalStateException("benchmark upload at offset " + consumed.offset() + " is not an instance upload");
        }
        InstanceRecord instance = InstanceRecord.of(event, data);
        // the trigger asks the version's routing rules (here: the default, every image) before each instance job
        InstanceRouting.EVERY_IMAGE.leftOut(instance.facts()).ifPresent(reason -> {
            throw new IllegalStateException("benchmark upload at offset " + consumed.offset() + " is left out: " + reason.tag());
        });
        InferenceJob job = JobFactory.forInstance(event, instance, modelId, modelVersion, Map.of(), System.currentTimeMillis());
        return new ProducerRecord<>(output, jobKeys.serialize(output, job.getJobId()), jobs.serialize(output, job));
    }
}
