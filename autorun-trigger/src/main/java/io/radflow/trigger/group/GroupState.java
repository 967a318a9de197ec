package io.radflow.trigger.group;

import java.util.ArrayList;
import java.util.List;

/**
 * What the trigger knows about one series or study group: the models attached to it (each with how
 * many of the group's instances it takes), how many distinct instances it has and how many the last
 * emission covered, the completion signals seen
 * (marker, expected count), and wall-clock times for the quiet period and retention. Mutable: the
 * processor loads it, changes it and stores it back within one record or punctuation.
 */
public final class GroupState {

    /** Markers remembered per group to recognise a marker published twice. */
    static final int MARKER_IDS_KEPT = 8;

    String datasetId;
    /** Models are attached when the first instance arrives; a marker can open the state before that. */
    boolean opened;
    long openedAt = -1;
    List<PinnedModel> models = new ArrayList<>();
    /** Distinct instances of the group, also those no model takes (markers and expected counts count them all). */
    int instanceCount;
    int emittedInstanceCount;
    int emissions;
    long pendingSince = -1;
    long lastNewInstanceAt = -1;
    long lastActivityAt = -1;
    Integer expectedFromData;
    boolean expectedCountFired;
    boolean markerPending;
    Integer markerCount;
    List<String> markerEventIds = new ArrayList<>();
    /** The group's entry in the due index, or null. */
    String dueKey;

    /**
     * Instances have arrived that no emission covers yet and that some attached model takes. An
     * instance no model takes (a report, or one its routing rules refuse) counts towards
     * {@link #instanceCount} for completeness but never makes the group pending.
     */
    public boolean pending() {
        if (!opened) {
            return false;
        }
        for (PinnedModel m : models) {
            if (m.waitsForInstances()) {
                return true;
            }
        }
        return false;
    }

    public boolean opened() {
        return opened;
    }

    public List<PinnedModel> models() {
        return models;
    }

    public int instanceCount() {
        return instanceCount;
    }

    public int emissions() {
        return emissions;
    }

    public String datasetId() {
        return datasetId;
    }

    void open(String datasetId, long eventTime, List<PinnedModel> attached) {
        this.datasetId = datasetId;
        this.opened = true;
        this.openedAt = eventTime;
        this.models = new ArrayList<>(attached);
    }
}
