package io.radflow.registry.runs;

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
 * yet counts as queued; {@code failed} jobs are the ones the workers dead-lettered. Times are ISO-8601.
 *
 * @param state RUNNING until every job is SUCCEEDED or FAILED; then SUCCEEDED, or FAILED when any failed
 */
public record RunReport(String runId, String project, String model, int version, String scope, String state, int expected,
                        int queued, int running, int retrying, int succeeded, int failed, int instances, int leftOut,
                        Selection selection, boolean backfill, String requestedBy, String requestedAt, String finishedAt) {

    /** The run's selection, as it was asked for. */
    public record Selection(String dataset, List<String> studies, List<String> series, List<String> modalities, String uploadedFrom,
                            String uploadedTo) {
    }

    static RunReport of(ModelRun run, Collection<JobStatus> statuses) {
        int running = count(statuses, JobState.RUNNING);
        int retrying = count(statuses, JobState.RETRYING);
        int succeeded = count(statuses, JobState.SUCCEEDED);
        int failed = count(statuses, JobState.FAILED);
        int queued = Math.max(0, run.getExpectedJobs() - running - retrying - succeeded - failed);
        boolean done = succeeded + failed >= run.getExpectedJobs();
        String state = !done ? "RUNNING" : failed > 0 ? "FAILED" : "SUCCEEDED";
        Instant finishedAt = done ? statuses.stream().map(JobStatus::getFinishedAt).filter(Objects::nonNull).max(Instant::compareTo)
                .orElse(null) : null;
        RunSelection s = run.getSelection();
        return new RunReport(run.getRunId(), run.getProjectId(), run.getModelName(), run.getModelVersion(), run.getScope().name(), state,
                run.getExpectedJobs(), queued, running, retrying, succeeded, failed, run.getInstances(), run.getLeftOut(),
                new Selection(s.getDataset(), s.getStudies(), s.getSeries(), s.getModalities(), iso(s.getUploadedFrom()), iso(s.getUploadedTo())),
                run.getBackfill(), run.getRequestedBy(), iso(run.getRequestedAt()), iso(finishedAt));
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }

    private static int count(Collection<JobStatus> statuses, JobState state) {
        return (int) statuses.stream().filter(s -> s.getState() == state).count();
    }
}
