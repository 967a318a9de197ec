package io.radflow.registry.runs;

import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.ModelRun;
import io.radflow.schemas.avro.RunSelection;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A run as the REST API shows it: what was asked, and how far its jobs got. A job with no status
 * yet counts as queued; {@code failed} jobs are the ones the workers dead-lettered, {@code cancelled}
 * the ones they skipped because the run was cancelled before they started. Times are ISO-8601.
 *
 * @param state RUNNING until every job finished; CANCELLING once cancelled, until the jobs already
 *              taken finish; then SUCCEEDED, FAILED when any failed, or CANCELLED
 */
public record RunReport(String runId, String project, String model, int version, String scope, String state, int expected,
                        int queued, int running, int retrying, int succeeded, int failed, int cancelled, int instances, int leftOut,
                        Selection selection, boolean backfill, String requestedBy, String requestedAt, String finishedAt,
                        String cancelledBy, String cancelledAt) {

    /** The run's selection, as it was asked for. */
    public record Selection(String dataset, List<String> studies, List<String> series, List<String> modalities, String uploadedFrom,
                            String uploadedTo) {
    }

    static RunReport of(ModelRun run, Collection<JobStatus> statuses) {
        int running = count(statuses, JobState.RUNNING);
        int retrying = count(statuses, JobState.RETRYING);
        int succeeded = count(statuses, JobState.SUCCEEDED);
        int cancelled = (int) statuses.stream().filter(s -> s.getState() == JobState.FAILED
                && Reason.CANCELLED.name().equals(s.getReason())).count();
        int failed = count(statuses, JobState.FAILED) - cancelled;
        int queued = Math.max(0, run.getExpectedJobs() - running - retrying - succeeded - failed - cancelled);
        boolean done = succeeded + failed + cancelled >= run.getExpectedJobs();
        String state = !done ? (run.getCancelledAt() != null ? "CANCELLING" : "RUNNING")
                : cancelled > 0 || run.getCancelledAt() != null ? "CANCELLED" : failed > 0 ? "FAILED" : "SUCCEEDED";
        Instant finishedAt = done ? statuses.stream().map(JobStatus::getFinishedAt).filter(Objects::nonNull).max(Instant::compareTo)
                .orElse(null) : null;
        RunSelection s = run.getSelection();
        return new RunReport(run.getRunId(), run.getProjectId(), run.getModelName(), run.getModelVersion(), run.getScope().name(), state,
                run.getExpectedJobs(), queued, running, retrying, succeeded, failed, cancelled, run.getInstances(), run.getLeftOut(),
                new Selection(s.getDataset(), s.getStudies(), s.getSeries(), s.getModalities(), iso(s.getUploadedFrom()), iso(s.getUploadedTo())),
                run.getBackfill(), run.getRequestedBy(), iso(run.getRequestedAt()), iso(finishedAt), run.getCancelledBy(),
                iso(run.getCancelledAt()));
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }

    private static int count(Collection<JobStatus> statuses, JobState state) {
        return (int) statuses.stream().filter(s -> s.getState() == state).count();
    }
}
