package io.radflow.trigger.settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The settings of one model over time, oldest first, so an upload is judged by the settings in
 * effect when it was uploaded rather than by whatever the trigger happens to have read when it
 * processes it. Snapshots are kept for {@code retention} (the uploads topic's retention: no upload
 * on the topic is older), plus the newest one before that as the baseline.
 */
public record ModelHistory(String modelId, List<ModelSnapshot> snapshots) {

    public ModelHistory {
        snapshots = List.copyOf(snapshots);
        for (int i = 1; i < snapshots.size(); i++) {
            if (snapshots.get(i).effectiveFrom() < snapshots.get(i - 1).effectiveFrom()) {
                throw new IllegalArgumentException("snapshots of " + modelId + " are not in time order");
            }
        }
    }

    public static ModelHistory empty(String modelId) {
        return new ModelHistory(modelId, List.of());
    }

    /** The settings in effect at {@code time}; empty when the model was not known yet. */
    public Optional<ModelSnapshot> at(long time) {
        for (int i = snapshots.size() - 1; i >= 0; i--) {
            if (snapshots.get(i).effectiveFrom() <= time) {
                return Optional.of(snapshots.get(i));
            }
        }
        return Optional.empty();
    }

    public Optional<ModelSnapshot> latest() {
        return snapshots.isEmpty() ? Optional.empty() : Optional.of(snapshots.get(snapshots.size() - 1));
    }

    /**
     * This history with {@code next} appended. The topic's order is the truth, so a snapshot stamped
     * earlier than the latest one (clock skew between writers) takes effect at the latest one's time.
     * A snapshot that changes nothing the trigger uses (say only lastUsedAt moved) returns this
     * history unchanged, so busy models do not grow their history.
     */
    public ModelHistory append(ModelSnapshot next, Duration retention) {
        Optional<ModelSnapshot> last = latest();
        if (last.isPresent() && last.get().sameSettingsAs(next)) {
            return this;
        }
        long effective = last.map(l -> Math.max(l.effectiveFrom(), next.effectiveFrom())).orElse(next.effectiveFrom());
        List<ModelSnapshot> all = new ArrayList<>(snapshots);
        all.add(next.at(effective));
        long cutoff = effective - retention.toMillis();
        // Drop snapshots superseded before the cutoff; the newest one at or before it stays as the baseline.
        int firstKept = 0;
        while (firstKept + 1 < all.size() && all.get(firstKept + 1).effectiveFrom() <= cutoff) {
            firstKept++;
        }
        return new ModelHistory(modelId, all.subList(firstKept, all.size()));
    }
}
