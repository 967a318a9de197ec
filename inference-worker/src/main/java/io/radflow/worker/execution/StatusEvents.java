package io.radflow.worker.execution;

import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import java.time.Instant;

/** The {@code job-status} events the worker publishes for a job. */
final class StatusEvents {

    private final String workerId;

    StatusEvents(String workerId) {
        this.workerId = workerId;
    }

    JobStatus running(InferenceJob job, int attempt, Instant startedAt) {
        return base(job, JobState.RUNNING, attempt).setStartedAt(startedAt).build();
    }

    JobStatus retrying(InferenceJob job, int attempt, Reason reason, String message, Instant startedAt) {
        return base(job, JobState.RETRYING, attempt).setReason(reason.name()).setMessage(message).setStartedAt(startedAt).build();
    }

    JobStatus succeeded(InferenceJob job, int attempt, int predictions, Instant startedAt, Instant finishedAt) {
        return base(job, JobState.SUCCEEDED, attempt).setPredictionCount(predictions).setStartedAt(startedAt)
                .setFinishedAt(finishedAt).setUpdatedAt(finishedAt).build();
    }

    /** @param startedAt null when the job failed before it ran */
    JobStatus failed(InferenceJob job, int attempt, Reason reason, String message, Instant startedAt) {
        Instant now = Instant.now();
        return base(job, JobState.FAILED, attempt).setReason(reason.name()).setMessage(message).setStartedAt(startedAt)
                .setFinishedAt(now).setUpdatedAt(now).build();
    }

    /** A job of a cancelled run, skipped before it started: FAILED with reason CANCELLED, never dead-lettered. */
    JobStatus cancelled(InferenceJob job, String message) {
        Instant now = Instant.now();
        return base(job, JobState.FAILED, 0).setReason(Reason.CANCELLED.name()).setMessage(message).setFinishedAt(now)
                .setUpdatedAt(now).build();
    }

    private JobStatus.Builder base(InferenceJob job, JobState state, int attempt) {
        return JobStatus.newBuilder().setJobId(job.getJobId()).setState(state).setModelId(job.getModelId())
                .setModelVersion(job.getModelVersion()).setScope(job.getScope()).setWorkerId(workerId).setAttempts(attempt)
                .setJobCreatedAt(job.getCreatedAt()).setUpdatedAt(Instant.now());
    }
}
