package io.radflow.trigger.settings;

import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.routing.InstanceRouting;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * What the trigger needs to know about a model, in effect from {@code effectiveFrom} (epoch ms) until
 * the next snapshot of its history.
 *
 * @param exists false once the model was purged (tombstone)
 * @param active the version auto-run uses; null when none can run (no versions, or the active
 *               version names one that does not exist)
 */
public record ModelSnapshot(long effectiveFrom, String projectId, boolean exists, boolean autoRun, boolean archived,
                            ActiveVersion active) {

    public ModelSnapshot {
        Objects.requireNonNull(projectId, "projectId");
    }

    /** Auto-run applies: the model exists, auto-run is on, it is not archived and a version can run. */
    public boolean eligible() {
        return exists && autoRun && !archived && active != null;
    }

    /** Equal in everything but the time it took effect. */
    public boolean sameSettingsAs(ModelSnapshot other) {
        return other != null && projectId.equals(other.projectId) && exists == other.exists && autoRun == other.autoRun
                && archived == other.archived && Objects.equals(active, other.active);
    }

    public ModelSnapshot at(long time) {
        return new ModelSnapshot(time, projectId, exists, autoRun, archived, active);
    }

    public static ModelSnapshot purged(String projectId, long time) {
        return new ModelSnapshot(time, projectId, false, false, false, null);
    }

    public static ModelSnapshot of(ModelSettings settings, long effectiveFrom) {
        return new ModelSnapshot(effectiveFrom, settings.getProjectId(), true, settings.getAutoRun(),
                settings.getArchivedAt() != null, resolveActive(settings).orElse(null));
    }

    /** The version named by activeVersion, or the latest version when activeVersion is null. */
    public static Optional<ActiveVersion> resolveActive(ModelSettings settings) {
        Optional<ModelVersion> version = settings.getActiveVersion() == null
                ? settings.getVersions().stream().max(Comparator.comparingInt(ModelVersion::getVersion))
                : settings.getVersions().stream().filter(v -> v.getVersion() == settings.getActiveVersion()).findFirst();
        return version.map(v -> new ActiveVersion(v.getVersion(), v.getScope(), v.getDefaultArgs(), InstanceRouting.of(v.getRouting())));
    }
}
