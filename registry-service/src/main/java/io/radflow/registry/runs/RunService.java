package io.radflow.registry.runs;

import io.radflow.registry.RegistryException;
import io.radflow.registry.auth.AccessPolicy;
import io.radflow.registry.auth.Caller;
import io.radflow.registry.commands.ModelService;
import io.radflow.registry.view.RegistryView;
import io.radflow.runs.plan.RunPlanner;
import io.radflow.runs.progress.RunJobStates;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.ModelRun;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.ProjectRole;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.schemas.avro.RunSelection;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs: a model version over data its project already holds. A run is planned from the dataset
 * index ({@link RunPlanner}), and its jobs and its {@code model-runs} record are published in one
 * transaction; the request returns once this instance's view shows the run. Progress comes from
 * the run's jobs' statuses ({@link RunJobStates}).
 */
public final class RunService {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final RegistryView view;
    private final ModelService models;
    private final RunPublisher publisher;
    private final RunJobStates states;
    private final Clock clock;
    private final Duration timeout;

    public RunService(RegistryView view, ModelService models, RunPublisher publisher, RunJobStates states, Clock clock, Duration timeout) {
        this.view = view;
        this.models = models;
        this.publisher = publisher;
        this.states = states;
        this.clock = clock;
        this.timeout = timeout;
    }

    /**
     * Plans and starts a run.
     *
     * @param version the version to run; null: the model's active version
     * @return the run; null for a backfill that found nothing to run
     * @throws RegistryException 404 for a model the caller cannot read, 403 for one it reads without
     *         being a member of its project, 400 for an unknown version or study, or a selection
     *         that holds nothing the version takes (nothing is published then)
     */
    public ModelRun create(Caller caller, String modelName, String projectId, RunSelection selection, Integer version, boolean backfill) {
        ModelSettings model = models.find(caller, modelName, projectId);
        ProjectSettings project = view.project(model.getProjectId()).orElseThrow(() -> AccessPolicy.projectNotFound(model.getProjectId()));
        AccessPolicy.requireRun(caller, model, project);
        ModelVersion chosen = version(model, version);
        List<DatasetUploadEvent> indexed = view.indexedInstances(model.getProjectId());
        Set<String> known = indexed.stream().map(DatasetUploadEvent::getStudyInstanceUid).collect(Collectors.toSet());
        List<String> unknown = selection.getStudies().stream().filter(s -> !known.contains(s)).toList();
        if (!unknown.isEmpty()) {
            throw RegistryException.invalid("project '" + model.getProjectId() + "' holds no study " + String.join(", ", unknown));
        }
        String runId = HexFormat.of().formatHex(bytes());
        RunPlanner.Plan plan = RunPlanner.plan(runId, model.getProjectId(), model.getModelId(), chosen, selection, indexed, clock.instant());
        if (plan.jobs().isEmpty() && backfill) {
            return null; // switching auto-run on with nothing there yet to backfill is no error
        }
        if (plan.jobs().isEmpty()) {
            throw RegistryException.invalid("the selection holds no instance version " + chosen.getVersion() + " of '" + modelName
                    + "' takes" + (plan.leftOut() > 0 ? " (" + plan.leftOut() + " selected, all left out by its routing rules)" : ""));
        }
        ModelRun run = ModelRun.newBuilder().setRunId(runId).setProjectId(model.getProjectId()).setModelId(model.getModelId())
                .setModelName(model.getName()).setModelVersion(chosen.getVersion()).setScope(chosen.getScope()).setSelection(selection)
                .setExpectedJobs(plan.jobs().size()).setInstances(plan.instances()).setLeftOut(plan.leftOut())
                .setRequestedBy(caller.name()).setRequestedAt(clock.instant()).setBackfill(backfill).build();
        publisher.publish(plan.jobs(), run);
        view.awaitRun(runId, r -> true, timeout);
        return run;
    }

    /**
     * Cancels a run: its jobs that have not started are skipped by the workers (status FAILED,
     * reason CANCELLED); those running finish. Who started it, an admin of its project or a
     * system admin may; cancelling a cancelled run again changes nothing.
     *
     * @throws RegistryException 404 for a run the caller cannot see, 401/403 for one they may not
     *         cancel, 409 for a run whose jobs all finished
     */
    public RunReport cancel(Caller caller, String runId) {
        ModelRun run = view.run(runId).filter(r -> visible(caller, r)).orElseThrow(() -> RegistryException.notFound("no run " + runId));
        caller.requireUser();
        ProjectSettings project = view.project(run.getProjectId()).orElseThrow(() -> AccessPolicy.projectNotFound(run.getProjectId()));
        boolean admin = caller.systemAdmin() || AccessPolicy.role(project, caller).filter(r -> r == ProjectRole.ADMIN).isPresent();
        if (!admin && !caller.is(run.getRequestedBy())) {
            throw RegistryException.forbidden("only who started run " + runId + ", an admin of project '" + run.getProjectId()
                    + "' or a system admin may cancel it");
        }
        RunReport now = RunReport.of(run, states.of(runId).values());
        if (run.getCancelledAt() != null) {
            return now;
        }
        if (!"RUNNING".equals(now.state())) {
            throw RegistryException.conflict("run " + runId + " has finished; there is nothing to cancel");
        }
        ModelRun cancelled = ModelRun.newBuilder(run).setCancelledBy(caller.name()).setCancelledAt(clock.instant()).build();
        publisher.publish(List.of(), cancelled);
        view.awaitRun(runId, r -> r.getCancelledAt() != null, timeout);
        return RunReport.of(cancelled, states.of(runId).values());
    }

    /** A run with its progress; 404 for one the caller may not see. */
    public RunReport get(Caller caller, String runId) {
        ModelRun run = view.run(runId).filter(r -> visible(caller, r))
                .orElseThrow(() -> RegistryException.notFound("no run " + runId));
        return RunReport.of(run, states.of(runId).values());
    }

    /** The runs of a model the caller may read, newest first. */
    public List<RunReport> list(Caller caller, String modelName, String projectId) {
        ModelSettings model = models.find(caller, modelName, projectId);
        return view.runs().stream().filter(r -> r.getModelId().equals(model.getModelId())).filter(r -> visible(caller, r))
                .sorted(Comparator.comparing(ModelRun::getRequestedAt).reversed())
                .map(r -> RunReport.of(r, states.of(r.getRunId()).values())).toList();
    }

    private boolean visible(Caller caller, ModelRun run) {
        return view.project(run.getProjectId()).filter(p -> AccessPolicy.canReadRun(caller, p)).isPresent();
    }

    private static ModelVersion version(ModelSettings model, Integer requested) {
        if (requested != null) {
            return model.getVersions().stream().filter(v -> v.getVersion() == requested).findFirst()
                    .orElseThrow(() -> RegistryException.invalid("model '" + model.getName() + "' has no version " + requested));
        }
        List<ModelVersion> versions = model.getVersions();
        return (model.getActiveVersion() == null
                ? versions.stream().max(Comparator.comparingInt(ModelVersion::getVersion))
                : versions.stream().filter(v -> Objects.equals(v.getVersion(), model.getActiveVersion())).findFirst())
                .orElseThrow(() -> RegistryException.invalid("model '" + model.getName() + "' has no version to run; add one first"));
    }

    private static byte[] bytes() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return b;
    }
}
