package io.radflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.Artifact;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.ModelRun;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.RunSelection;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs of runs on the real broker: taken from run-jobs like auto-run jobs, their predictions
 * carrying the run's id; those of a cancelled run skipped before they start, reported FAILED with
 * reason CANCELLED, and never dead-lettered.
 */
class RunJobsIT {

    private static final Path CT = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm");

    @TempDir
    static Path dir;

    private static WorkerFixture fx;
    private static InferenceWorker worker;
    private static String model;

    @BeforeAll
    static void start() throws Exception {
        fx = new WorkerFixture(dir);
        Artifact classifier = fx.artifact(TestModels.model("classifier.onnx", dir));
        model = fx.registerModel("runs-classifier", fx.version(1, RuntimeKind.ONNX, classifier, TestModels.classifierLabels(),
                Map.of(), 4, 20));
        String group = "run-jobs-it-" + fx.run;
        fx.startGroupAtEnd(group);
        worker = InferenceWorker.builder(fx.config(group, group, Map.of())).meterRegistry(new SimpleMeterRegistry()).build();
        worker.start();
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        fx.close();
    }

    @Test
    void shouldRunTheJobsOfALiveRunAndSkipThoseOfACancelledOne() throws Exception {
        String live = "live" + fx.run;
        String cancelled = "gone" + fx.run;
        fx.send(TopicCatalog.MODEL_RUNS, live, run(live, null));
        fx.send(TopicCatalog.MODEL_RUNS, cancelled, run(cancelled, Instant.now()));
        InferenceJob runs = runJob(live);
        InferenceJob skipped = runJob(cancelled);
        Thread.sleep(2_000); // the worker's view of model-runs follows the topic asynchronously
        fx.send(TopicCatalog.RUN_JOBS, runs.getJobId(), runs);
        fx.send(TopicCatalog.RUN_JOBS, skipped.getJobId(), skipped);

        Map<String, JobStatus> states = WorkerFixture.finalStates(fx.statuses(WorkerFixture.ids(runs, skipped),
                s -> WorkerFixture.finalStates(s).size() == 2, Duration.ofSeconds(60)));
        assertThat(states.get(runs.getJobId()).getState()).isEqualTo(JobState.SUCCEEDED);
        JobStatus gone = states.get(skipped.getJobId());
        assertThat(gone.getState()).isEqualTo(JobState.FAILED);
        assertThat(gone.getReason()).isEqualTo("CANCELLED");
        assertThat(gone.getMessage()).contains("run " + cancelled + " was cancelled by tester");
        List<Prediction> predictions = fx.predictions(WorkerFixture.ids(runs, skipped), p -> !p.isEmpty(), Duration.ofSeconds(10));
        assertThat(predictions).isNotEmpty().allSatisfy(p -> {
            assertThat(p.getJobId()).isEqualTo(runs.getJobId());
            assertThat(p.getProvenance().getRunId()).isEqualTo(live);
        });
        assertThat(fx.failures(Set.of(skipped.getJobId()), f -> false, Duration.ofSeconds(3))).as("a skipped job is no dead letter").isEmpty();
    }

    private static ModelRun run(String runId, Instant cancelledAt) {
        return ModelRun.newBuilder().setRunId(runId).setProjectId("project-" + fx.run).setModelId(model).setModelName("runs-classifier")
                .setModelVersion(1).setScope(Scope.INSTANCE).setSelection(RunSelection.newBuilder().build()).setExpectedJobs(1)
                .setInstances(1).setRequestedBy("tester").setRequestedAt(Instant.now())
                .setCancelledBy(cancelledAt == null ? null : "tester").setCancelledAt(cancelledAt).build();
    }

    private static InferenceJob runJob(String runId) {
        InferenceJob job = fx.job(model, 1, fx.store(CT), CT);
        return InferenceJob.newBuilder(job).setJobId("run-" + runId + "-" + job.getJobId()).setRunId(runId).build();
    }
}
