package io.radflow.registry.commands;

import io.radflow.common.error.Reason;
import io.radflow.registry.RegistryException;
import io.radflow.registry.RegistryMetrics;
import io.radflow.registry.auth.AccessPolicy;
import io.radflow.registry.auth.Caller;
import io.radflow.registry.view.RegistryView;
import io.radflow.schemas.avro.CommandReply;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.schemas.avro.PurgeModel;
import io.radflow.schemas.avro.PutModel;
import io.radflow.schemas.avro.RuntimeKind;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Model reads and writes. Reads come from this instance's view; writes go to the command
 * processor as compare-and-set commands and return once this instance's view shows them. A write
 * that loses a race (another request changed the model first) is recomputed from the newer state
 * and sent again, so concurrent writes all apply, one after the other.
 */
public final class ModelService {

    private final RegistryView view;
    private final CommandGateway gateway;
    private final Clock clock;
    private final Duration timeout;
    private final CompareAndSet<ModelSettings> writes;
    private final DefaultProjects defaultProjects;

    public ModelService(RegistryView view, CommandGateway gateway, Clock clock, Duration timeout, RegistryMetrics metrics,
                        DefaultProjects defaultProjects) {
        this.view = view;
        this.defaultProjects = defaultProjects;
        this.gateway = gateway;
        this.clock = clock;
        this.timeout = timeout;
        this.writes = new CompareAndSet<>(new CompareAndSet.Kind<ModelSettings>("model", view::model, ModelSettings::getRevision,
                ModelSettings::getProjectId, PutModel::new, view::awaitModel), gateway, timeout, metrics);
    }

    public Clock clock() {
        return clock;
    }

    /** What {@link #upsert} did. */
    public record Upserted(ModelSettings model, boolean created) {
    }

    /**
     * The model named {@code name} that the caller may read; {@code projectId} null looks in the
     * caller's default project first (Neurodeploy clients name models without a project), then
     * searches every project.
     */
    public ModelSettings find(Caller caller, String name, String projectId) {
        if (projectId != null) {
            ModelSettings model = view.model(projectId, name).orElseThrow(() -> AccessPolicy.modelNotFound(name));
            AccessPolicy.requireRead(caller, model, project(model));
            return model;
        }
        Optional<ModelSettings> own = inDefaultProject(caller, name);
        if (own.isPresent()) {
            return own.get();
        }
        List<ModelSettings> visible = view.models().stream().filter(m -> m.getName().equals(name))
                .filter(m -> AccessPolicy.canRead(caller, m, project(m))).toList();
        if (visible.isEmpty()) {
            throw AccessPolicy.modelNotFound(name);
        }
        if (visible.size() > 1) {
            throw RegistryException.invalid("several models named '" + name + "' are visible to you (projects "
                    + visible.stream().map(ModelSettings::getProjectId).sorted().toList() + "); add ?project=");
        }
        return visible.get(0);
    }

    public ProjectSettings project(ModelSettings model) {
        return view.project(model.getProjectId()).orElse(null);
    }

    /** Models the caller may read, filtered, in project then name order. */
    public List<ModelSettings> list(Caller caller, ModelFilter filter) {
        return view.models().stream()
                .filter(filter::matches)
                .filter(m -> AccessPolicy.canRead(caller, m, project(m)))
                .sorted(Comparator.comparing(ModelSettings::getProjectId).thenComparing(ModelSettings::getName))
                .toList();
    }

    /**
     * Neurodeploy's PUT: update the model if it exists, else create it in {@code projectId}. Without a
     * project it works on the caller's own models: the one in their default project, else the single
     * one they manage elsewhere; with none, it creates the model in their default project (made now
     * if needed), as Neurodeploy creates a model for its user.
     */
    public Upserted upsert(Caller caller, String name, String projectId, ModelSettingsChange change, OptionalLong ifMatch) {
        Names.modelName(name);
        ModelSettings existing;
        if (projectId == null) {
            existing = ownModel(caller, name).orElse(null);
            if (existing == null) {
                projectId = defaultProjects.ensure(caller).getProjectId();
            }
        } else {
            try {
                existing = find(caller, name, projectId);
            } catch (RegistryException e) {
                if (e.reason() != Reason.NOT_FOUND) {
                    throw e;
                }
                existing = null;
            }
        }
        if (existing == null) {
            if (ifMatch.isPresent()) {
                throw new RegistryException(Reason.PRECONDITION_FAILED, "If-Match given but model '" + name + "' does not exist");
            }
            return new Upserted(create(caller, projectId, name, change), true);
        }
        return new Upserted(update(caller, existing, ifMatch, current -> ModelChanges.apply(current, change, clock.instant())), false);
    }

    private Optional<ModelSettings> inDefaultProject(Caller caller, String name) {
        if (caller.anonymous()) {
            return Optional.empty();
        }
        return view.model(DefaultProjects.idFor(caller.userId()), name).filter(m -> AccessPolicy.canRead(caller, m, project(m)));
    }

    /** The caller's model named {@code name}: in their default project, else the single one they may manage. */
    private Optional<ModelSettings> ownModel(Caller caller, String name) {
        Optional<ModelSettings> own = inDefaultProject(caller, name);
        if (own.isPresent() || caller.anonymous()) {
            return own;
        }
        List<ModelSettings> managed = view.models().stream().filter(m -> m.getName().equals(name))
                .filter(m -> AccessPolicy.canManage(caller, m, project(m))).toList();
        if (managed.size() > 1) {
            throw RegistryException.invalid("you manage several models named '" + name + "' (projects "
                    + managed.stream().map(ModelSettings::getProjectId).sorted().toList() + "); add ?project=");
        }
        return managed.stream().findFirst();
    }

    /** Creates a model; a name already used in the project (archived models included) is 409. */
    public ModelSettings create(Caller caller, String projectId, String name, ModelSettingsChange change) {
        ProjectSettings project = view.project(Names.projectId(projectId)).orElseThrow(() -> AccessPolicy.projectNotFound(projectId));
        AccessPolicy.requireCreateModelIn(caller, project);
        // The command processor enforces unique names under races; this answers the common case without a write.
        if (view.model(projectId, Names.modelName(name)).isPresent()) {
            throw RegistryException.alreadyExists("project '" + projectId + "' already has a model named '" + name + "'");
        }
        return createModel(caller, ModelChanges.create(newModelId(), projectId, caller.userId(), name, change, clock.instant()));
    }

    /** Writes a brand-new model (revision 0 expected); its name must be free in its project. */
    public ModelSettings createModel(Caller caller, ModelSettings model) {
        return writes.create(model.getModelId(), model, caller.name(), reply -> RegistryException.alreadyExists(
                "project '" + model.getProjectId() + "' already has a model named '" + model.getName() + "'"));
    }

    /**
     * Applies {@code change} to the latest state of {@code model} and writes it; after a revision
     * conflict, waits for the newer state and applies the change again. {@code change} re-checks
     * permissions and rules each time (it may throw). With {@code ifMatch}, there is one attempt
     * and it must start from that revision (412 otherwise).
     */
    public ModelSettings update(Caller caller, ModelSettings model, OptionalLong ifMatch, UnaryOperator<ModelSettings> change) {
        return write(model.getModelId(), ifMatch, current -> {
            AccessPolicy.requireManage(caller, current, project(current));
            return change.apply(current);
        }, caller.name());
    }

    /** The compare-and-set loop behind every model update; {@code change} gets the view's latest state. */
    public ModelSettings write(String modelId, OptionalLong ifMatch, UnaryOperator<ModelSettings> change, String issuedBy) {
        return writes.update(modelId, ifMatch, change, issuedBy);
    }

    /** The runtime new versions of {@code model} get; refuses early (before an upload is read) what cannot run. */
    public RuntimeKind requireVersionable(Caller caller, ModelSettings model) {
        AccessPolicy.requireManage(caller, model, project(model));
        if (model.getArchivedAt() != null) {
            throw RegistryException.alreadyExists("model '" + model.getName() + "' is deleted (archived)");
        }
        return ModelKinds.runtimeFor(model.getFileType());
    }

    /** Adds a version (numbered after the latest at the time it is written) and returns it. */
    public ModelVersion addVersion(Caller caller, ModelSettings model, VersionDraft draft) {
        AtomicInteger number = new AtomicInteger();
        ModelSettings written = update(caller, model, OptionalLong.empty(), current -> {
            ModelChanges.requireSameKind(model, current);
            ModelSettings next = ModelChanges.addVersion(current, draft, clock.instant());
            number.set(next.getVersions().get(next.getVersions().size() - 1).getVersion());
            return next;
        });
        return ModelChanges.version(written, number.get()).orElseThrow();
    }

    /** DELETE: archives (auto-run stops; the name stays taken until purge). */
    public ModelSettings archive(Caller caller, ModelSettings model) {
        return update(caller, model, OptionalLong.empty(), current -> ModelChanges.archive(current, clock.instant()));
    }

    /** Restores an archived model (auto-run stays off); restoring an active model changes nothing. */
    public ModelSettings restore(Caller caller, ModelSettings model) {
        return update(caller, model, OptionalLong.empty(), current -> ModelChanges.restore(current, clock.instant()));
    }

    /** DELETE ?purge=true: archives first (consumers see the archive event), then writes the tombstone. */
    public void purge(Caller caller, ModelSettings model) {
        ModelSettings archived = archive(caller, model);
        for (int attempt = 1; attempt <= CompareAndSet.MAX_ATTEMPTS; attempt++) {
            CommandReply reply = gateway.submit(archived.getProjectId(), caller.name(), archived.getRevision(),
                    new PurgeModel(archived.getModelId()), timeout);
            switch (reply.getOutcome()) {
                case ACCEPTED, NOT_FOUND -> {
                    view.awaitModel(archived.getModelId(), 0, timeout);
                    return;
                }
                case REVISION_CONFLICT -> {
                    // Something else changed it meanwhile (lastUsedAt, a clone): purge the newer revision.
                    view.awaitModel(archived.getModelId(), reply.getRevision(), timeout);
                    archived = view.model(archived.getModelId()).orElse(null);
                    if (archived == null) {
                        return;
                    }
                    AccessPolicy.requireManage(caller, archived, project(archived));
                }
                default -> throw CompareAndSet.rejected(reply);
            }
        }
        throw RegistryException.conflict("model " + model.getModelId() + " is changing too fast; try again");
    }

    public static String newModelId() {
        byte[] bytes = new byte[8];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "m-" + HexFormat.of().formatHex(bytes);
    }
}
