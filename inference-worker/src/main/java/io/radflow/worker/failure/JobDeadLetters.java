package io.radflow.worker.failure;

import io.radflow.common.error.Reason;
import io.radflow.schemas.DeadLetterHeaders;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobFailure;
import io.radflow.worker.consumer.ConsumedJob;
import io.radflow.worker.consumer.OutputRecords;
import io.radflow.worker.consumer.RecordSizeLimit;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Builds the {@code inference-jobs-dlq} record of a job that cannot be completed: a
 * {@link JobFailure} with reason, message, attempts, the job as consumed (for replay) and its
 * source coordinates, plus the same facts as {@link DeadLetterHeaders} (built there, as the trigger's
 * are) for tools that read headers.
 */
public final class JobDeadLetters {

    private final OutputRecords records;
    private final String workerId;

    public JobDeadLetters(OutputRecords records, String workerId) {
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
        ProducerRecord<String, byte[]> full = build(source, job, true, reason, message, cause, attempts);
        if (records.fits(full)) {
            return full;
        }
        String shortened = message + " (this dead letter leaves out the job and the stack trace: with them it would take about "
                + RecordSizeLimit.estimatedSize(full) + " bytes, more than the worker may publish)";
        return build(source, job, false, reason, shortened, cause, attempts);
    }

    /** @param withJob whether the dead letter carries the job as consumed, and the stack trace, for replay */
    private ProducerRecord<String, byte[]> build(ConsumedJob source, InferenceJob job, boolean withJob, Reason reason, String message,
                                                 Throwable cause, int attempts) {
        String stackTrace = withJob && cause != null ? DeadLetterHeaders.stackTrace(cause) : null;
        JobFailure failure = JobFailure.newBuilder()
                .setJobId(job != null ? job.getJobId() : source.key() != null ? source.key() : "")
                .setReason(reason.name()).setRetriable(reason.retriable()).setMessage(message).setAttempts(attempts)
                .setSourceTopic(source.partition().topic()).setSourcePartition(source.partition().partition())
                .setSourceOffset(source.offset())
                .setModelId(job != null ? job.getModelId() : null).setModelVersion(job != null ? job.getModelVersion() : null)
                .setJob(withJob ? job : null).setExceptionClass(cause == null ? null : cause.getClass().getName())
                .setStackTrace(stackTrace).setWorkerId(workerId).setFailedAt(Instant.now())
                .build();
        Headers headers = DeadLetterHeaders.builder()
                .source(source.partition().topic(), source.partition().partition(), source.offset())
                .reason(reason, message).attempts(attempts).exception(cause, withJob)
                .build();
        return records.deadLetter(failure, headers);
    }
}
