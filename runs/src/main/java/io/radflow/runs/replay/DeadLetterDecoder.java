package io.radflow.runs.replay;

import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.DeadLetterHeaders;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobFailure;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Reads the two kinds of dead letters and builds what publishes each again: a job failure's job
 * (with a QUEUED status saying it was replayed), or an upload byte for byte as first consumed.
 */
final class DeadLetterDecoder {

    private final TopicSerdes serdes;

    DeadLetterDecoder(TopicSerdes serdes) {
        this.serdes = serdes;
    }

    /** A record of {@code inference-jobs-dlq}. */
    DeadLetter job(ConsumerRecord<byte[], byte[]> r) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        JobFailure f;
        try {
            f = serdes.valueDeserializer(TopicCatalog.INFERENCE_JOBS_DLQ).deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            return new DeadLetter(r.topic(), r.partition(), r.offset(), key, null, Instant.ofEpochMilli(r.timestamp()), key, List.of(),
                    "the dead letter itself cannot be decoded: " + e.getMessage());
        }
        InferenceJob job = f.getJob();
        if (job == null) {
            return new DeadLetter(r.topic(), r.partition(), r.offset(), f.getJobId(), f.getReason(), f.getFailedAt(), f.getJobId(),
                    List.of(), "it holds no job: the consumed record could not be decoded as one");
        }
        String coordinates = r.topic() + "/" + r.partition() + "/" + r.offset();
        Instant now = Instant.now();
        JobStatus queued = JobStatus.newBuilder().setJobId(job.getJobId()).setState(JobState.QUEUED).setModelId(job.getModelId())
                .setModelVersion(job.getModelVersion()).setScope(job.getScope()).setJobCreatedAt(job.getCreatedAt())
                .setMessage("replayed from " + coordinates + " (dead-lettered " + f.getReason() + ")").setUpdatedAt(now).build();
        byte[] jobKey = job.getJobId().getBytes(StandardCharsets.UTF_8);
        List<ProducerRecord<byte[], byte[]>> replay = List.of(
                new ProducerRecord<>(f.getSourceTopic(), null, jobKey,
                        serdes.valueSerializer(TopicCatalog.INFERENCE_JOBS).serialize(f.getSourceTopic(), job), replayHeaders(r.headers(), coordinates)),
                new ProducerRecord<>(TopicCatalog.JOB_STATUS.name(), jobKey,
                        serdes.valueSerializer(TopicCatalog.JOB_STATUS).serialize(TopicCatalog.JOB_STATUS.name(), queued)));
        return new DeadLetter(r.topic(), r.partition(), r.offset(), job.getJobId(), f.getReason(), f.getFailedAt(), job.getJobId(),
                replay, null);
    }

    /** A record of {@code dataset-uploads-dlq}: the upload as consumed, with the reason in its headers. */
    DeadLetter upload(ConsumerRecord<byte[], byte[]> r) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        String reason = header(r.headers(), DeadLetterHeaders.REASON);
        String source = header(r.headers(), DeadLetterHeaders.SOURCE_TOPIC);
        Instant at = Instant.ofEpochMilli(r.timestamp());
        if (source == null) {
            return new DeadLetter(r.topic(), r.partition(), r.offset(), key, reason, at, null, List.of(),
                    "it has no " + DeadLetterHeaders.SOURCE_TOPIC + " header, so where it came from is unknown");
        }
        String coordinates = r.topic() + "/" + r.partition() + "/" + r.offset();
        return new DeadLetter(r.topic(), r.partition(), r.offset(), key, reason, at, null,
                List.of(new ProducerRecord<>(source, null, r.key(), r.value(), replayHeaders(r.headers(), coordinates))), null);
    }

    /** The dead letter's headers without the {@code radflow.dlq.*} ones, and where it was replayed from. */
    private static Headers replayHeaders(Headers original, String coordinates) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : original) {
            if (!h.key().startsWith(DeadLetterHeaders.PREFIX) && !h.key().equals(DeadLetterHeaders.REPLAY_OF)) {
                headers.add(h);
            }
        }
        headers.add(DeadLetterHeaders.REPLAY_OF, coordinates.getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
