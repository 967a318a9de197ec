package io.radflow.worker.execution;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.worker.consumer.ConsumedJob;
import io.radflow.worker.consumer.JobOutcome;
import io.radflow.worker.consumer.OutcomeSink;
import io.radflow.worker.consumer.OutputRecords;
import io.radflow.worker.metrics.WorkerMetrics;
import io.radflow.worker.settings.ModelSettingsView;
import io.radflow.worker.settings.ResolvedVersion;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * First stop of every consumed job record, on the consumer loop's thread: decode it, check it,
 * find its model version, and queue it for batching. Records that cannot become jobs go to the
 * dead-letter topic at once; a job whose version the worker has not seen yet waits until the
 * settings reader has caught up with the topic, and only then fails as unknown.
 */
final class JobIntake {

    private final OutputRecords records;
    private final ModelSettingsView settings;
    private final BatchQueue queue;
    private final FailureHandler failures;
    private final OutcomeSink sink;
    private final Duration settingsTimeout;

    JobIntake(OutputRecords records, ModelSettingsView settings, BatchQueue queue, FailureHandler failures,
              OutcomeSink sink, Duration settingsTimeout) {
        this.records = records;
        this.settings = settings;
        this.queue = queue;
        this.failures = failures;
        this.sink = sink;
        this.settingsTimeout = settingsTimeout;
    }

    void accept(ConsumedJob consumed, byte[] value) {
        accept(consumed, value, 1);
    }

    private void accept(ConsumedJob consumed, byte[] value, int attempt) {
        if (!consumed.current()) {
            return;
        }
        if (value == null) {
            // A tombstone on a delete topic carries no job; nothing to run, but its offset must move on.
            sink.completed(new JobOutcome(consumed, List.of(), null, null, WorkerMetrics.SKIPPED));
            return;
        }
        InferenceJob job;
        try {
            job = records.job(consumed.partition().topic(), value);
        } catch (RadflowException e) {
            if (!failures.retryLater(e.reason(), attempt, () -> accept(consumed, value, attempt + 1))) {
                failures.deadLetter(consumed, null, e.reason(), e.getMessage(), e, attempt, null);
            }
            return;
        } catch (RuntimeException e) {
            failures.deadLetter(consumed, null, Reason.UNDECODABLE_RECORD, e.toString(), e, 1, null);
            return;
        }
        String problem = problemWith(job);
        if (problem != null) {
            failures.deadLetter(consumed, job, Reason.MALFORMED_EVENT, problem, null, 1, null);
            return;
        }
        Optional<ResolvedVersion> version = settings.find(job.getModelId(), job.getModelVersion());
        if (version.isPresent()) {
            queue.enqueue(new QueuedJob(consumed, job, version.get(), 1, System.nanoTime()));
            return;
        }
        settings.sync().orTimeout(settingsTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, error) -> {
            Optional<ResolvedVersion> v = settings.find(job.getModelId(), job.getModelVersion());
            if (v.isPresent()) {
                queue.enqueue(new QueuedJob(consumed, job, v.get(), 1, System.nanoTime()));
            } else {
                String why = settings.whyMissing(job.getModelId(), job.getModelVersion());
                if (error != null) {
                    why += " (the settings reader did not catch up within " + settingsTimeout.toMillis() + " ms: " + error + ")";
                }
                failures.deadLetter(consumed, job, Reason.UNKNOWN_MODEL, why, null, 1, null);
            }
        });
    }

    static String problemWith(InferenceJob job) {
        if (job.getJobId().isBlank()) {
            return "job id is blank";
        }
        if (job.getInstances().isEmpty()) {
            return "job " + job.getJobId() + " has no instances";
        }
        for (JobInstance i : job.getInstances()) {
            if (!i.getStudyInstanceUid().equals(job.getStudyInstanceUid())) {
                return "instance " + i.getSopInstanceUid() + " belongs to study " + i.getStudyInstanceUid()
                        + ", not the job's study " + job.getStudyInstanceUid();
            }
        }
        String scopeUid = job.getScopeUid();
        boolean covered = switch (job.getScope()) {
            case INSTANCE -> job.getInstances().size() == 1 && job.getInstances().get(0).getSopInstanceUid().equals(scopeUid);
            case SERIES -> job.getInstances().stream().allMatch(i -> i.getSeriesInstanceUid().equals(scopeUid));
            case STUDY -> job.getStudyInstanceUid().equals(scopeUid);
        };
        return covered ? null : "job " + job.getJobId() + " has scope " + job.getScope() + " " + scopeUid
                + " but its instances do not match it";
    }
}
