package io.radflow.worker.consumer;

import java.util.List;

/**
 * The topics a worker takes jobs from, and their priority: auto-run jobs of fresh uploads first;
 * jobs of runs (a model over data already there, backfills) only while no auto-run job is in
 * flight, and, while auto-run jobs keep coming, at most {@code runsMaxInFlight} of them, so a
 * large run delays a new study by a few jobs at most.
 *
 * @param runs the runs' topic; null: auto-run jobs only
 */
public record JobTopics(String fresh, String runs, int runsMaxInFlight) {

    /** One topic, no runs. */
    public static JobTopics only(String topic) {
        return new JobTopics(topic, null, 0);
    }

    /** Every topic the worker subscribes to: fresh jobs, then runs when there are any. */
    public List<String> all() {
        return runs == null ? List.of(fresh) : List.of(fresh, runs);
    }

    boolean isRuns(String topic) {
        return topic.equals(runs);
    }
}
