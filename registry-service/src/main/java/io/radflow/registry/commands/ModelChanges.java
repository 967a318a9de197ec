package io.radflow.registry.commands;

import io.radflow.registry.RegistryException;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.ExportAudience;
import io.radflow.schemas.avro.ModelFileType;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.RoutingRules;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Visibility;
import io.radflow.schemas.routing.InstanceRouting;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules of model settings as pure functions from the current state and a request to the next
 * state. Every write computes its event here (and recomputes it after a revision conflict), so the
 * rules hold whichever instance serves the request.
 */
public final class ModelChanges {

    private ModelChanges() {
    }

    public static ModelSettings create(String modelId, String projectId, String ownerId, String name,
                                       ModelSettingsChange change, Instant now) {
        if (change.library() == null) {
            throw RegistryException.invalid("lib is required to create a model (scikit-learn, tensorflow, pytorch, onnx, mdai, http)");
        }
        ModelFileType fileType = Optional.ofNullable(change.fileType()).or(() -> ModelKinds.defaultFileType(change.library()))
                .orElseThrow(() -> RegistryException.invalid("filetype is required for library " + Enums.text(change.library())));
        ModelSettings empty = ModelSettings.newBuilder().setModelId(modelId).setProjectId(projectId).setOwnerId(ownerId)
                .setName(Names.modelName(name)).setLibrary(change.library()).setFileType(fileType)
                .setCreatedAt(now).setUpdatedAt(now).setRevision(0).build();
        ModelKinds.requireCompatible(empty.getLibrary(), empty.getFileType());
        return apply(empty, change, now);
    }

    public static ModelSettings apply(ModelSettings current, ModelSettingsChange change, Instant now) {
        requireActive(current);
        ModelSettings.Builder next = ModelSettings.newBuilder(current);
        if (change.library() != null || change.fileType() != null) {
            var library = change.library() != null ? change.library() : current.getLibrary();
            var fileType = change.fileType() != null ? change.fileType()
                    : library != current.getLibrary() ? ModelKinds.defaultFileType(library).orElse(current.getFileType()) : current.getFileType();
            if ((library != current.getLibrary() || fileType != current.getFileType()) && !current.getVersions().isEmpty()) {
                throw RegistryException.alreadyExists("model '" + current.getName() + "' has versions; its library and file type can no longer change");
            }
            ModelKinds.requireCompatible(library, fileType);
            next.setLibrary(library).setFileType(fileType);
        }
        if (change.description() != null) {
            if (change.description().length() > 10_000) {
                throw RegistryException.invalid("description is longer than 10000 characters");
            }
            next.setDescription(change.description());
        }
        Optional.ofNullable(change.visibility()).ifPresent(next::setVisibility);
        Optional.ofNullable(change.autoRun()).ifPresent(next::setAutoRun);
        Optional.ofNullable(change.exportable()).ifPresent(next::setExportable);
        Optional.ofNullable(change.exportAudience()).ifPresent(next::setExportAudience);
        if (change.cloneable() != null && change.cloneable() != current.getCloneable()) {
            // MD.ai's rule: fixed on the model that holds copies, so a copy cannot widen where the
            // versions it received may go (a site-only model's copy stays site-only).
            versionClonedFromAnother(current).ifPresent(v -> {
                throw RegistryException.alreadyExists("cloneable is fixed: version " + v.getVersion() + " of model '"
                        + current.getName() + "' was cloned from another model (" + v.getClonedFrom()
                        + "), so it stays " + Enums.text(current.getCloneable()));
            });
            next.setCloneable(change.cloneable());
        }
        if (change.setActiveVersion()) {
            Integer active = change.activeVersion();
            if (active != null && version(current, active).isEmpty()) {
                throw RegistryException.invalid("activeVersion " + active + ": model '" + current.getName() + "' has no such version");
            }
            next.setActiveVersion(active);
        }
        ModelSettings result = next.build();
        return unchanged(current, result) ? current : ModelSettings.newBuilder(result).setUpdatedAt(now).build();
    }

    /**
     * A version's request is checked (artifact format, HTTP endpoint or not) against the model as
     * it was when the request came in, and written later on whatever the model is then. Library and
     * file type may still change while a model has no version: a version checked for another kind
     * would get a runtime it cannot run with, so it is refused and must be sent again.
     */
    public static void requireSameKind(ModelSettings checkedAgainst, ModelSettings current) {
        if (current.getLibrary() != checkedAgainst.getLibrary() || current.getFileType() != checkedAgainst.getFileType()) {
            throw RegistryException.conflict("model '" + current.getName() + "' changed from " + Enums.text(checkedAgainst.getLibrary())
                    + "/" + Enums.text(checkedAgainst.getFileType()) + " to " + Enums.text(current.getLibrary()) + "/"
                    + Enums.text(current.getFileType()) + " while the version was being added; send the version again");
        }
    }

    /** Appends a version numbered after the last one. */
    public static ModelSettings addVersion(ModelSettings current, VersionDraft draft, Instant now) {
        requireActive(current);
        RuntimeKind runtime = ModelKinds.runtimeFor(current.getFileType());
        int number = current.getVersions().stream().mapToInt(ModelVersion::getVersion).max().orElse(0) + 1;
        ModelVersion version = ModelVersion.newBuilder().setVersion(number).setRuntime(runtime).setScope(draft.scope())
                .setInputType(draft.inputType()).setDevice(draft.device() != null ? draft.device() : Device.CPU)
                .setArtifact(draft.artifact()).setHttpEndpoint(draft.httpEndpoint()).setLabelClasses(draft.labelClasses())
                .setDefaultArgs(draft.defaultArgs()).setBatching(draft.batching()).setRouting(routing(draft.routing())).setExportResults(draft.exportResults())
                .setCreatedAt(now).build();
        List<ModelVersion> versions = new ArrayList<>(current.getVersions());
        versions.add(version);
        ModelSettings.Builder next = ModelSettings.newBuilder(current).setVersions(versions).setUpdatedAt(now);
        if (draft.activate()) {
            next.setActiveVersion(number);
        }
        return next.build();
    }

    /**
     * A version's routing rules checked and normalised (modalities and body parts upper case, values
     * stripped, repeats removed); a bad one is refused naming the field, as {@code routing.modalities[1]}.
     */
    public static RoutingRules routing(RoutingRules requested) {
        try {
            return InstanceRouting.validate(requested);
        } catch (IllegalArgumentException e) {
            throw RegistryException.invalid(e.getMessage());
        }
    }

    /**
     * Undoes an archive: the model is active again with its versions and settings, except auto-run,
     * which the archive switched off and which stays off until someone switches it on again.
     */
    public static ModelSettings restore(ModelSettings current, Instant now) {
        if (current.getArchivedAt() == null) {
            return current;
        }
        return ModelSettings.newBuilder(current).setArchivedAt(null).setUpdatedAt(now).build();
    }

    public static ModelSettings archive(ModelSettings current, Instant now) {
        if (current.getArchivedAt() != null) {
            return current;
        }
        return ModelSettings.newBuilder(current).setArchivedAt(now).setAutoRun(false).setUpdatedAt(now).build();
    }

    /**
     * Records that versions were cloned (shown as {@code cloned} on the source's versions). It fixes
     * nothing on the source: the cloneable setting is fixed on the copy.
     */
    public static ModelSettings markCloned(ModelSettings current, List<Integer> versions) {
        List<ModelVersion> next = current.getVersions().stream()
                .map(v -> versions.contains(v.getVersion()) && !v.getCloned() ? ModelVersion.newBuilder(v).setCloned(true).build() : v)
                .toList();
        return next.equals(current.getVersions()) ? current : ModelSettings.newBuilder(current).setVersions(next).build();
    }

    /**
     * A copy of chosen versions as a new model of another project, owned by the redeemer. The copy
     * starts private, not auto-run and not exportable (the target project decides), and cloneable as
     * its source was when the code was redeemed, for good: a setting is fixed once a model holds
     * versions cloned from another, so what a site-only model shares stays in its site.
     */
    public static ModelSettings cloneInto(ModelSettings source, List<Integer> versions, String modelId, String projectId,
                                          String ownerId, String name, Instant now) {
        List<ModelVersion> copies = new ArrayList<>();
        for (int number : versions) {
            ModelVersion v = version(source, number).orElseThrow(() -> RegistryException.notFound(
                    "version " + number + " of the cloned model no longer exists"));
            copies.add(ModelVersion.newBuilder(v).setVersion(copies.size() + 1).setCloned(false)
                    .setClonedFrom(source.getModelId() + ":" + number).setCreatedAt(now).build());
        }
        return ModelSettings.newBuilder().setModelId(modelId).setProjectId(projectId).setOwnerId(ownerId)
                .setName(Names.modelName(name)).setDescription(source.getDescription()).setLibrary(source.getLibrary())
                .setFileType(source.getFileType()).setVisibility(Visibility.PRIVATE).setAutoRun(false).setExportable(false)
                .setExportAudience(ExportAudience.OWNER).setCloneable(source.getCloneable()).setVersions(copies)
                .setCreatedAt(now).setUpdatedAt(now).setRevision(0).build();
    }

    public static Optional<ModelVersion> version(ModelSettings model, int number) {
        return model.getVersions().stream().filter(v -> v.getVersion() == number).findFirst();
    }

    /** A version this model received from another model by a clone code; while it has one, cloneable is fixed. */
    public static Optional<ModelVersion> versionClonedFromAnother(ModelSettings model) {
        return model.getVersions().stream().filter(v -> v.getClonedFrom() != null).findFirst();
    }

    private static void requireActive(ModelSettings current) {
        if (current.getArchivedAt() != null) {
            throw RegistryException.alreadyExists("model '" + current.getName() + "' is deleted (archived); restore it (POST .../restore) or purge it to reuse the name");
        }
    }

    private static boolean unchanged(ModelSettings a, ModelSettings b) {
        return Objects.equals(ModelSettings.newBuilder(a).setUpdatedAt(Instant.EPOCH).build(),
                ModelSettings.newBuilder(b).setUpdatedAt(Instant.EPOCH).build());
    }
}
