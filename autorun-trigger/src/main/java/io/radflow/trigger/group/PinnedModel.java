package io.radflow.trigger.group;

import io.radflow.schemas.routing.InstanceRouting;
import java.util.Map;
import java.util.Objects;

/**
 * A model attached to a group when the group's first instance arrived, with the version it had
 * then (and that version's routing rules); how many of the group's instances the version takes and
 * how many of those the last emission covered; and the last job it got for this group (revision -1
 * and null before the first).
 *
 * @param taken               instances of the group the version takes (its routing rules accept them)
 * @param takenAtLastEmission {@code taken} when the group was last emitted; the version waits for the
 *                            group only while {@code taken} is larger
 */
public record PinnedModel(String modelId, int version, Map<String, String> args, InstanceRouting routing, int taken,
                          int takenAtLastEmission, int lastRevision, String lastJobId) {

    public PinnedModel {
        args = Map.copyOf(args);
        Objects.requireNonNull(routing, "routing");
    }

    public static PinnedModel attach(String modelId, int version, Map<String, String> args, InstanceRouting routing) {
        return new PinnedModel(modelId, version, args, routing, 0, 0, -1, null);
    }

    /** Attached with a version that takes every image. */
    public static PinnedModel attach(String modelId, int version, Map<String, String> args) {
        return attach(modelId, version, args, InstanceRouting.EVERY_IMAGE);
    }

    /** True when the group holds instances this version takes that no emission covered yet. */
    public boolean waitsForInstances() {
        return taken > takenAtLastEmission;
    }

    /** One more instance of the group that this version takes. */
    public PinnedModel took() {
        return new PinnedModel(modelId, version, args, routing, taken + 1, takenAtLastEmission, lastRevision, lastJobId);
    }

    /** The group was emitted: everything taken so far is covered, whether or not this model got a job. */
    public PinnedModel covered() {
        return new PinnedModel(modelId, version, args, routing, taken, taken, lastRevision, lastJobId);
    }

    public PinnedModel emitted(int revision, String jobId) {
        return new PinnedModel(modelId, version, args, routing, taken, takenAtLastEmission, revision, jobId);
    }
}
