package io.radflow.registry.clone;

import io.radflow.registry.RegistryException;
import io.radflow.registry.auth.AccessPolicy;
import io.radflow.registry.auth.Caller;
import io.radflow.registry.auth.Secrets;
import io.radflow.registry.commands.ModelChanges;
import io.radflow.registry.commands.ModelService;
import io.radflow.registry.commands.ProjectService;
import io.radflow.registry.commands.TopicWriter;
import io.radflow.registry.view.RegistryView;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.CloneCode;
import io.radflow.schemas.avro.Cloneability;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.ProjectSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;

/**
 * Clone codes: whoever may see a cloneable model makes one for chosen versions; a member of
 * another project redeems it, which copies those versions into a new model of that project (whose
 * cloneable setting is then fixed, see {@link ModelChanges#cloneInto}) and marks them cloned in the
 * source. Site-only models refuse codes redeemed from another site. The code is shown once; the
 * topic keeps its SHA-256.
 */
public final class CloneCodeService {

    /** Codes are listed and revoked by this many leading hex digits of their hash. */
    static final int ID_LENGTH = 12;

    private final RegistryView view;
    private final ModelService models;
    private final ProjectService projects;
    private final TopicWriter writer;
    private final Clock clock;
    private final Duration timeout;

    public record Created(CloneCode cloneCode, String code) {
    }

    public CloneCodeService(RegistryView view, ModelService models, ProjectService projects, TopicWriter writer, Clock clock,
                            Duration timeout) {
        this.view = view;
        this.models = models;
        this.projects = projects;
        this.writer = writer;
        this.clock = clock;
        this.timeout = timeout;
    }

    public static String id(CloneCode code) {
        return code.getCodeSha256().substring(0, ID_LENGTH);
    }

    /** @param versions empty: every version the model has now */
    public Created create(Caller caller, ModelSettings model, List<Integer> versions) {
        AccessPolicy.requireCloneCode(caller, model, models.project(model));
        if (model.getArchivedAt() != null) {
            throw RegistryException.alreadyExists("model '" + model.getName() + "' is deleted (archived)");
        }
        List<Integer> chosen = versions.isEmpty() ? model.getVersions().stream().map(ModelVersion::getVersion).toList()
                : List.copyOf(new LinkedHashSet<>(versions));
        if (chosen.isEmpty()) {
            throw RegistryException.invalid("model '" + model.getName() + "' has no versions to clone yet");
        }
        for (int v : chosen) {
            if (ModelChanges.version(model, v).isEmpty()) {
                throw RegistryException.invalid("model '" + model.getName() + "' has no version " + v);
            }
        }
        String code = Secrets.newCloneCode();
        CloneCode record = CloneCode.newBuilder().setCodeSha256(Secrets.sha256Hex(code)).setModelId(model.getModelId())
                .setProjectId(model.getProjectId()).setVersions(chosen).setCreatedBy(caller.userId())
                .setCreatedAt(clock.instant()).build();
        writer.write(TopicCatalog.REGISTRY_CLONE_CODES, record.getCodeSha256(), record, timeout);
        view.awaitCloneCode(record.getCodeSha256(), c -> c.isPresent(), timeout);
        return new Created(record, code);
    }

    /** The model's codes for its managers; the caller's own codes for anyone else. */
    public List<CloneCode> list(Caller caller, ModelSettings model) {
        boolean all = AccessPolicy.seesAllCloneCodes(caller, model, models.project(model));
        return codesOf(model.getModelId()).stream().filter(c -> all || caller.is(c.getCreatedBy())).toList();
    }

    public CloneCode revoke(Caller caller, ModelSettings model, String id) {
        AccessPolicy.requireRead(caller, model, models.project(model));
        CloneCode code = codesOf(model.getModelId()).stream().filter(c -> id(c).equals(id)).findFirst()
                .orElseThrow(() -> RegistryException.notFound("model '" + model.getName() + "' has no clone code " + id));
        AccessPolicy.requireRevokeCloneCode(caller, model, models.project(model), code.getCreatedBy());
        if (code.getRevokedAt() != null) {
            return code;
        }
        CloneCode revoked = CloneCode.newBuilder(code).setRevokedAt(clock.instant()).build();
        writer.write(TopicCatalog.REGISTRY_CLONE_CODES, code.getCodeSha256(), revoked, timeout);
        view.awaitCloneCode(code.getCodeSha256(), c -> c.map(x -> x.getRevokedAt() != null).orElse(true), timeout);
        return revoked;
    }

    /** Removes a purged model's codes (tombstones), so they cannot outlive it. */
    public void deleteCodesOf(String modelId) {
        for (CloneCode code : codesOf(modelId)) {
            writer.write(TopicCatalog.REGISTRY_CLONE_CODES, code.getCodeSha256(), null, timeout);
        }
    }

    /** Copies the code's versions into a new model of {@code targetProjectId}, named {@code name} (default: the source's). */
    public ModelSettings redeem(Caller caller, String code, String targetProjectId, String name) {
        caller.requireUser();
        if (code == null || code.isBlank()) {
            throw RegistryException.invalid("code is required");
        }
        if (targetProjectId == null || targetProjectId.isBlank()) {
            throw RegistryException.invalid("project is required: the project to clone the model into");
        }
        CloneCode cloneCode = view.cloneCode(Secrets.sha256Hex(code.trim())).filter(c -> c.getRevokedAt() == null)
                .orElseThrow(() -> RegistryException.notFound("unknown or revoked clone code"));
        ModelSettings source = view.model(cloneCode.getModelId()).filter(m -> m.getArchivedAt() == null)
                .orElseThrow(() -> RegistryException.notFound("the model of this clone code has been deleted"));
        ProjectSettings target = projects.get(caller, targetProjectId);
        AccessPolicy.requireCreateModelIn(caller, target);
        if (target.getProjectId().equals(source.getProjectId())) {
            throw RegistryException.invalid("a clone code is redeemed into another project than the model's own");
        }
        if (source.getCloneable() == Cloneability.NONE) {
            throw RegistryException.forbidden("model '" + source.getName() + "' is no longer cloneable");
        }
        ProjectSettings sourceProject = models.project(source);
        String sourceSite = sourceProject == null ? null : sourceProject.getSiteId();
        if (source.getCloneable() == Cloneability.SITE_ONLY && !target.getSiteId().equals(sourceSite)) {
            throw RegistryException.forbidden("this clone code can only be redeemed within site '" + sourceSite
                    + "'; project '" + target.getProjectId() + "' is in site '" + target.getSiteId() + "'");
        }
        ModelSettings clone = ModelChanges.cloneInto(source, cloneCode.getVersions(), ModelService.newModelId(),
                target.getProjectId(), caller.userId(), name != null ? name : source.getName(), clock.instant());
        ModelSettings created = models.createModel(caller, clone);
        try {
            models.write(source.getModelId(), OptionalLong.empty(), current -> ModelChanges.markCloned(current, cloneCode.getVersions()),
                    caller.name());
        } catch (RegistryException e) {
            // The source was purged meanwhile: nothing left to freeze.
            if (e.reason() != io.radflow.common.error.Reason.NOT_FOUND) {
                throw e;
            }
        }
        return created;
    }

    private List<CloneCode> codesOf(String modelId) {
        return view.cloneCodes().stream().filter(c -> c.getModelId().equals(modelId))
                .sorted(Comparator.comparing(CloneCode::getCreatedAt)).toList();
    }
}
