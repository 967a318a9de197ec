package io.radflow.viewer.view;

/**
 * One change the view applied, for the live event stream: what changed ({@code instance},
 * {@code job}, {@code job-status}, {@code prediction}), in which project and study, and the id
 * of the thing (SOP instance UID, job id, prediction id). A job-status record names no project or
 * study; the view fills them in from the job when it knows it.
 */
public record ViewChange(String kind, String projectId, String studyUid, String id) {
}
