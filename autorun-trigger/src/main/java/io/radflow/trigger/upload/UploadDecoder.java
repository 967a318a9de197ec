package io.radflow.trigger.upload;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.DeadLetterHeaders;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.trigger.TriggerMetrics;
import io.radflow.trigger.TriggerStores;
import io.radflow.trigger.settings.ProjectDirectory;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First step of the trigger: decodes upload events from raw bytes and sends every event that cannot
 * drive auto-run (undecodable, missing or unusable UIDs, wrong key, unknown project) to the
 * dead-letter child byte for byte, with reason headers. Valid events go on to auto-run, and each
 * valid instance also to the dataset index (keyed {@link #indexKey}, so a compacted topic keeps the
 * latest upload of every instance a project holds). Retriable failures (schema registry
 * unreachable) are thrown instead, so the record is processed again rather than dead-lettered.
 */
public final class UploadDecoder implements Processor<byte[], byte[], Object, Object> {

    private static final Logger log = LoggerFactory.getLogger(UploadDecoder.class);

    private final String topic;
    private final Deserializer<DatasetUploadEvent> deserializer;
    private final String validChild;
    private final String indexChild;
    private final String deadLetterChild;
    private final TriggerMetrics metrics;
    private ProcessorContext<Object, Object> context;
    private ProjectDirectory projects;

    public UploadDecoder(String topic, Deserializer<DatasetUploadEvent> deserializer, String validChild, String indexChild,
                         String deadLetterChild, TriggerMetrics metrics) {
        this.topic = topic;
        this.deserializer = deserializer;
        this.validChild = validChild;
        this.indexChild = indexChild;
        this.deadLetterChild = deadLetterChild;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.projects = new ProjectDirectory(context.getStateStore(TriggerStores.PROJECTS));
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            deadLetter(record, Reason.MALFORMED_EVENT, "upload event has no value (tombstone)", null);
            return;
        }
        if (record.key() == null) {
            deadLetter(record, Reason.MISSING_FIELD, "upload event has no key; dataset-uploads is keyed by study UID", null);
            return;
        }
        DatasetUploadEvent event;
        try {
            event = deserializer.deserialize(topic, record.value());
        } catch (RuntimeException e) {
            Reason reason = RadflowException.reasonOf(e);
            if (reason.retriable()) {
                throw e;
            }
            deadLetter(record, reason == Reason.INTERNAL ? Reason.UNDECODABLE_RECORD : reason, e.getMessage(), e);
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        Optional<UploadProblem> problem = UploadValidator.check(key, event);
        if (problem.isEmpty() && !projects.exists(event.getProjectId())) {
            problem = Optional.of(new UploadProblem(Reason.UNKNOWN_PROJECT,
                    "project '" + event.getProjectId() + "' does not exist (not on the project settings topic)"));
        }
        if (problem.isPresent()) {
            deadLetter(record, problem.get().reason(), problem.get().message(), null);
            return;
        }
        // One new record, not withKey(..).withValue(..): each copies the headers.
        context.forward(new Record<Object, Object>(key, event, record.timestamp(), record.headers()), validChild);
        if (event.getPayload() instanceof DataUploaded data) {
            context.forward(new Record<Object, Object>(indexKey(event, data), event, record.timestamp()), indexChild);
        }
    }

    /** The dataset index's key of an instance: {@code <project>/<study>/<series>/<instance UID>}, so a project's or study's instances share a prefix. */
    public static String indexKey(DatasetUploadEvent event, DataUploaded data) {
        return event.getProjectId() + "/" + event.getStudyInstanceUid() + "/" + data.getSeriesInstanceUid() + "/" + data.getSopInstanceUid();
    }

    private void deadLetter(Record<byte[], byte[]> record, Reason reason, String message, Throwable error) {
        var source = context.recordMetadata().orElse(null);
        log.warn("upload event dead-lettered reason={} partition={} offset={} message={}", reason,
                source == null ? -1 : source.partition(), source == null ? -1 : source.offset(), message);
        metrics.deadLettered(reason);
        context.forward(new Record<Object, Object>(record.key(), record.value(), record.timestamp(),
                deadLetterHeaders(record, source, reason, message, error)), deadLetterChild);
    }

    /** The headers the upload came with, plus the {@code radflow.dlq.*} headers (no attempts: an upload is not retried). */
    private static Headers deadLetterHeaders(Record<byte[], byte[]> record, RecordMetadata source, Reason reason, String message,
                                             Throwable error) {
        DeadLetterHeaders.Builder headers = DeadLetterHeaders.from(record.headers()).reason(reason, message).exception(error);
        if (source != null) {
            headers.source(source.topic(), source.partition(), source.offset());
        }
        return headers.build();
    }
}
