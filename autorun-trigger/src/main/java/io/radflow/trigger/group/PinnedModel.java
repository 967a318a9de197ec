package io.radflow.trigger.group;

import java.util.Map;

/**
 * A model attached to a group when the group's first instance arrived, with the version it had
 * then, and the last job it got for this group (revision -1 and null before the first).
 */
public record PinnedModel(String modelId, int version, Map<String, String> args, int lastRevision, String lastJobId) {

    public PinnedModel {
        args = Map.copyOf(args);
    }

    public static PinnedModel attach(String modelId, int version, Map<String, String> args) {
        return new PinnedModel(modelId, version, args, -1, null);
    }

    public PinnedModel emitted(int revision, String jobId) {
        return new PinnedModel(modelId, version, args, revision, jobId);
    }
}
