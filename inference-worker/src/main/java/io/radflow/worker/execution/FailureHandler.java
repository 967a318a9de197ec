package io.radflow.worker.execution;

import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.worker.consumer.ConsumedJob;
import io.radflow.worker.consumer.JobOutcome;
import io.radflow.worker.consumer.OutcomeSink;
import io.radflow.worker.consumer.OutputRecords;
import io.radflow.worker.failure.JobDeadLetters;
import io.radflow.worker.failure.RetryPolicy;
import io.radflow.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a failed job attempt is decided: retried after a backoff (status RETRYING) or
 * finished as a dead letter (status FAILED). Either way the worker moves on to the next job.
 */
final class FailureHandler {

    private static final Logger log = LoggerFactory.getLogger(FailureHandler.class);

    private static final Duration DEAD_LETTER_RETRY = Duration.ofSeconds(5);

    private final RetryPolicy policy;
    private final ScheduledExecutorService timer;
    private final OutcomeSink sink;
    private final OutputRecords records;
    private final JobDeadLetters deadLetters;
    private final StatusEvents statuses;
    private final WorkerMetrics metrics;
    private final Consumer<QueuedJob> requeue;

    FailureHandler(RetryPolicy policy, ScheduledExecutorService timer, OutcomeSink sink, OutputRecords records,
                   JobDeadLetters deadLetters, StatusEvents statuses, WorkerMetrics metrics, Consumer<QueuedJob> requeue) {
        this.policy = policy;
        this.timer = timer;
        this.sink = sink;
        this.records = records;
        this.deadLetters = deadLetters;
        this.statuses = statuses;
        this.metrics = metrics;
        this.requeue = requeue;
    }

    /** An attempt of a queued job failed. */
    void failed(QueuedJob q, Reason reason, String message, Throwable cause, Instant startedAt) {
        if (!q.consumed().current()) {
            return;
        }
        Optional<Duration> retryAfter = policy.retryAfter(reason, q.attempt());
        InferenceJob job = q.job();
        if (retryAfter.isPresent()) {
            log.info("job attempt failed, retrying jobId={} model={} version={} attempt={} reason={} retryInMs={} message={}",
                    job.getJobId(), job.getModelId(), job.getModelVersion(), q.attempt(), reason, retryAfter.get().toMillis(), message);
            metrics.retry(q.version().key(), reason.name());
            publishQuietly(q.consumed(), () -> records.status(statuses.retrying(job, q.attempt(), reason, message, startedAt)));
            schedule(() -> requeue.accept(q.nextAttempt(reason)), retryAfter.get());
            return;
        }
        deadLetter(q.consumed(), job, reason, message, cause, q.attempt(), startedAt);
    }

    /** The job cannot run at all (undecodable, malformed, unknown model) or ran out of attempts. */
    void deadLetter(ConsumedJob source, InferenceJob job, Reason reason, String message, Throwable cause, int attempts, Instant startedAt) {
        log.warn("job failed jobId={} model={} version={} partition={} offset={} attempts={} reason={} message={}",
                job != null ? job.getJobId() : source.key(), job != null ? job.getModelId() : null,
                job != null ? job.getModelVersion() : null, source.partition(), source.offset(), attempts, reason, message);
        List<ProducerRecord<String, byte[]>> out;
        try {
            out = job == null
                    ? List.of(deadLetters.record(source, null, reason, message, cause, attempts))
                    : List.of(deadLetters.record(source, job, reason, message, cause, attempts),
                            records.status(statuses.failed(job, attempts, reason, message, startedAt)));
        } catch (RuntimeException e) {
            // Cannot even serialize the dead letter (schema registry down): keep the job, try again later.
            log.warn("cannot build dead letter, trying again jobId={} error={}", source.key(), e.toString());
            schedule(() -> deadLetter(source, job, reason, message, cause, attempts, startedAt), DEAD_LETTER_RETRY);
            return;
        }
        sink.completed(new JobOutcome(source, out, job != null ? job.getModelId() : null,
                job != null ? job.getModelVersion() : null, WorkerMetrics.FAILED));
    }

    /**
     * Schedules {@code again} after the policy's backoff when {@code reason} is retriable and
     * {@code attempt} was not the last; for failures before a job is queued (decoding it while the
     * schema registry is unreachable).
     */
    boolean retryLater(Reason reason, int attempt, Runnable again) {
        Optional<Duration> after = policy.retryAfter(reason, attempt);
        after.ifPresent(d -> schedule(again, d));
        return after.isPresent();
    }

    /** Statuses other than the final one are informative: failing to build one must not stop the job. */
    void publishQuietly(ConsumedJob job, Supplier<ProducerRecord<String, byte[]>> record) {
        try {
            sink.publish(job, record.get());
        } catch (RuntimeException e) {
            log.warn("cannot publish job status error={}", e.toString());
        }
    }

    private void schedule(Runnable r, Duration after) {
        try {
            timer.schedule(r, after.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down: the job is not committed, so the partition's next owner runs it.
            log.debug("not scheduling a retry while shutting down");
        }
    }
}
