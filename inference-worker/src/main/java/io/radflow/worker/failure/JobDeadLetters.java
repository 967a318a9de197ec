package io.radflow.worker.failure;

import io.radflow.common.error.Reason;
import io.radflow.schemas.DeadLetterHeaders;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobFailure;
import io.radflow.worker.consumer.ConsumedJob;
import io.radflow.worker.consumer.OutputRecords;
import io.radflow.worker.consumer.RecordSizeLimit;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Builds the {@code inference-jobs-dlq} record of a job that cannot be completed: a
 * {@link JobFailure} with reason, message, attempts, the job as consumed (for replay) and its
 * source coordinates, plus the same facts as {@link DeadLetterHeaders} for tools that read headers.
 */
public final class DeadLetters {

    private static final int MAX_STACK_TRACE_CHARS = 8_000;

    private final OutputRecords records;
    private final String workerId;

    public DeadLetters(OutputRecords records, String workerId) {
        this.records = records;
        this.workerId = workerId;
    }

    /**
     * @param job null when the record never decoded into a job. A dead letter that would be too large
     *            to publish leaves out its copy of the job and the stack trace (the source coordinates
     *            still find the job), and says so in its message.
     */
    public ProducerRecord<String, byte[]> record(ConsumedJob source, InferenceJob job, Reason reason, String message,
                                                 Throwable cause, int attempts) {
        ProducerRecord<String, byte[]> full = build(source, job, true, reason, message, cause, cause == null ? null : stackTrace(cause),
                attempts);
        if (records.fits(full)) {
            return full;
        }
        String shortened = message + " (this dead letter leaves out the job and the stack trace: with them it would take about "
                + RecordSizeLimit.estimatedSize(full) + " bytes, more than the worker may publish)";
        return build(source, job, false, reason, shortened, cause, null, attempts);
    }

    /** @param withJob whether the dead letter carries the job as consumed, for replay */
    private ProducerRecord<String, byte[]> build(ConsumedJob source, InferenceJob job, boolean withJob, Reason reason, String message,
                                                 Throwable cause, String stackTrace, int attempts) {
        JobFailure failure = JobFailure.newBuilder()
                .setJobId(job != null ? job.getJobId() : source.key() != null ? source.key() : "")
                .setReason(reason.name()).setRetriable(reason.retriable()).setMessage(message).setAttempts(attempts)
                .setSourceTopic(source.partition().topic()).setSourcePartition(source.partition().partition())
                .setSourceOffset(source.offset())
                .setModelId(job != null ? job.getModelId() : null).setModelVersion(job != null ? job.getModelVersion() : null)
                .setJob(withJob ? job : null).setExceptionClass(cause == null ? null : cause.getClass().getName())
                .setStackTrace(stackTrace).setWorkerId(workerId).setFailedAt(Instant.now())
                .build();
        List<Header> headers = new ArrayList<>();
        headers.add(header(DeadLetterHeaders.SOURCE_TOPIC, source.partition().topic()));
        headers.add(header(DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(source.partition().partition())));
        headers.add(header(DeadLetterHeaders.SOURCE_OFFSET, Long.toString(source.offset())));
        headers.add(header(DeadLetterHeaders.REASON, reason.name()));
        headers.add(header(DeadLetterHeaders.MESSAGE, message));
        headers.add(header(DeadLetterHeaders.ATTEMPTS, Integer.toString(attempts)));
        if (cause != null) {
            headers.add(header(DeadLetterHeaders.EXCEPTION_CLASS, cause.getClass().getName()));
        }
        if (stackTrace != null) {
            headers.add(header(DeadLetterHeaders.EXCEPTION_STACKTRACE, stackTrace));
        }
        return records.deadLetter(failure, headers);
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        String s = w.toString();
        return s.length() <= MAX_STACK_TRACE_CHARS ? s : s.substring(0, MAX_STACK_TRACE_CHARS) + "\n...";
    }
}
