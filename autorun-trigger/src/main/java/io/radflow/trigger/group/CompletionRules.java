package io.radflow.trigger.group;

import io.radflow.schemas.avro.JobTrigger;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * When a series or study group is complete (see DESIGN.md). A group is emitted when it has pending
 * instances and
 * <ol>
 *   <li>a completion marker arrived since the last emission and its instance count, when given, is reached; or</li>
 *   <li>the expected count from the data (imagesInAcquisition) is reached for the first time; or</li>
 *   <li>the quiet period passed (wall clock) since its last new instance.</li>
 * </ol>
 * A condition that already fired does not fire again, so a late instance after a marker- or
 * count-triggered emission waits for its own quiet period (or a new marker) and yields a revision.
 */
public final class CompletionRules {

    private CompletionRules() {
    }

    /**
     * After an instance or a marker was applied: the trigger that completes the group now, if any. A
     * signal reached while nothing is pending (the group holds only instances no model takes, or only
     * ones already emitted) completed the group with nothing to send and is spent, as if emitted: a
     * later instance waits for its quiet period or a new signal instead of being sent alone at once.
     */
    public static Optional<JobTrigger> completeOnEvent(GroupState g) {
        if (!g.pending()) {
            spendSignalsReached(g);
            return Optional.empty();
        }
        if (g.markerPending && (g.markerCount == null || g.instanceCount >= g.markerCount)) {
            return Optional.of(JobTrigger.COMPLETION_MARKER);
        }
        if (g.expectedFromData != null && !g.expectedCountFired && g.instanceCount >= g.expectedFromData) {
            return Optional.of(JobTrigger.EXPECTED_COUNT_REACHED);
        }
        return Optional.empty();
    }

    /** True when the group's last new instance is at least {@code quiet} old (wall clock). */
    public static boolean quietPeriodOver(GroupState g, long now, Duration quiet) {
        return g.pending() && now - g.lastNewInstanceAt >= quiet.toMillis();
    }

    /** The wall-clock time the quiet period of a pending group ends. */
    public static long quietPeriodEnd(GroupState g, Duration quiet) {
        return g.lastNewInstanceAt + quiet.toMillis();
    }

    /** A new distinct instance joined the group, and every attached model takes it. */
    public static void instanceAdded(GroupState g, Integer expectedCount, long now) {
        boolean[] all = new boolean[g.models.size()];
        java.util.Arrays.fill(all, true);
        instanceAdded(g, expectedCount, now, all);
    }

    /**
     * A new distinct instance joined the group; {@code takenBy[i]} says whether the group's i-th model
     * takes it. It always counts towards the group's instance count (markers and expected counts count
     * every instance of the group), but only an instance some model takes makes the group pending and
     * restarts its quiet period: a group never waits for an object none of its models will use.
     */
    public static void instanceAdded(GroupState g, Integer expectedCount, long now, boolean[] takenBy) {
        if (takenBy.length != g.models.size()) {
            throw new IllegalArgumentException("takenBy has " + takenBy.length + " entries for " + g.models.size() + " models");
        }
        boolean wasPending = g.pending();
        boolean taken = false;
        for (int i = 0; i < takenBy.length; i++) {
            if (takenBy[i]) {
                g.models.set(i, g.models.get(i).took());
                taken = true;
            }
        }
        g.instanceCount++;
        g.lastActivityAt = now;
        if (taken) {
            g.lastNewInstanceAt = now;
        }
        if (expectedCount != null && (g.expectedFromData == null || expectedCount > g.expectedFromData)) {
            g.expectedFromData = expectedCount;
        }
        if (!wasPending && g.pending()) {
            g.pendingSince = now;
        }
    }

    /**
     * A completion marker for the group arrived. Returns false for a marker seen before (same event
     * id). A marker is spent at once when nothing is pending and its count, if any, is already
     * reached: it refers to what was emitted, or (without a count, before any instance) there is
     * nothing to complete, and the instances that follow complete by count or quiet period.
     * Otherwise it stays pending until its count is reached, also when that count lies beyond an
     * earlier emission.
     */
    public static boolean markerArrived(GroupState g, String eventId, Integer instanceCount, long now) {
        g.lastActivityAt = now;
        if (g.markerEventIds.contains(eventId)) {
            return false;
        }
        List<String> ids = g.markerEventIds;
        ids.add(eventId);
        if (ids.size() > GroupState.MARKER_IDS_KEPT) {
            ids.remove(0);
        }
        if (!g.pending() && (instanceCount == null || instanceCount <= g.instanceCount)) {
            return true;
        }
        g.markerPending = true;
        g.markerCount = instanceCount;
        return true;
    }

    /**
     * Bookkeeping after the group's jobs were emitted: every model's instances are covered (also a
     * model that got no job, being switched off or having nothing new), and the signals that fired are spent.
     */
    public static void emitted(GroupState g) {
        g.emittedInstanceCount = g.instanceCount;
        g.emissions++;
        g.pendingSince = -1;
        for (int i = 0; i < g.models.size(); i++) {
            g.models.set(i, g.models.get(i).covered());
        }
        spendSignalsReached(g);
    }

    private static void spendSignalsReached(GroupState g) {
        if (g.markerPending && (g.markerCount == null || g.instanceCount >= g.markerCount)) {
            g.markerPending = false;
            g.markerCount = null;
        }
        if (g.expectedFromData != null && g.instanceCount >= g.expectedFromData) {
            g.expectedCountFired = true;
        }
    }
}
