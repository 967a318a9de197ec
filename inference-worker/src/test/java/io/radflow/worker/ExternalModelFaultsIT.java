package io.radflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.HttpEndpoint;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobFailure;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.worker.runtime.http.V7Server;
import io.radflow.worker.runtime.mdai.MdaiConfig;
import io.radflow.worker.runtime.mdai.TestPackages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad MD.ai package and bad HTTP model answer the runtimes issue lists, on the real broker:
 * each ends on {@code inference-jobs-dlq} with the right reason and a message that says what went
 * wrong, nothing is published for it, and the next job of the same model succeeds.
 */
class ExternalModelFaultsIT {

    private static final Duration WAIT = Duration.ofMinutes(2);

    @TempDir
    static Path dir;

    private static WorkerFixture fx;
    private static InferenceWorker worker;
    private static V7Server http;
    private static String faulty;
    private static String goodHttp;
    private static Path ctFile;
    private static ContentRef ct;

    @BeforeAll
    static void start() throws Exception {
        fx = new WorkerFixture(dir);
        String group = "external-faults-" + fx.run;
        fx.startGroupAtEnd(group);
        // Offline: an unmet requirement is looked for in an empty wheelhouse only.
        java.nio.file.Files.createDirectories(dir.resolve("wheelhouse"));
        worker = InferenceWorker.builder(fx.config(group, group, Map.of(
                MdaiConfig.WORK_DIR.name(), dir.resolve("mdai").toString(),
                MdaiConfig.ENV_DIR.name(), dir.resolve("mdai-envs").toString(),
                MdaiConfig.PIP_FIND_LINKS.name(), dir.resolve("wheelhouse").toString(),
                WorkerConfig.MODEL_TIMEOUT.name(), "5s",
                WorkerConfig.RETRY_MAX_ATTEMPTS.name(), "2",
                WorkerConfig.RETRY_INITIAL_BACKOFF.name(), "100ms",
                WorkerConfig.RETRY_MAX_BACKOFF.name(), "200ms"))).build();
        worker.start();
        http = V7Server.start(dir);
        faulty = fx.registerModel("faulty", fx.version(1, RuntimeKind.MDAI_PYTHON, fx.artifact(TestPackages.zip("faulty", dir, Map.of())),
                TestPackages.faultyLabels(), Map.of("fault", "none"), 1, 0));
        goodHttp = httpModel("good");
        ctFile = TestModels.dicom("CT_small.dcm");
        ct = fx.store(ctFile);
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (http != null) {
            http.close();
        }
        fx.close();
    }

    private static String httpModel(String mode) throws Exception {
        ModelVersion v = ModelVersion.newBuilder(fx.version(1, RuntimeKind.HTTP, null, V7Server.labels(), Map.of(), 1, 0))
                .setHttpEndpoint(new HttpEndpoint(http.url(mode), 1_500, null)).build();
        return fx.registerModel("http-" + mode, v);
    }

    private static String mdaiPackage(String name) throws Exception {
        return fx.registerModel(name, fx.version(1, RuntimeKind.MDAI_PYTHON, fx.artifact(TestPackages.zip(name, dir, Map.of())),
                TestPackages.faultyLabels(), Map.of(), 1, 0));
    }

    private static InferenceJob job(String model, String fault) {
        InferenceJob j = fx.job(model, 1, ct, ctFile);
        if (fault != null) {
            Map<String, String> args = new HashMap<>();
            args.put("fault", fault);
            args.put("marker_dir", dir.toString());
            j.setArgs(args);
        }
        return j;
    }

    /** Submits {@code bad}, then a good job of {@code nextModel}; returns the dead letter of {@code bad} after checking the rest. */
    private JobFailure deadLetterThenNextSucceeds(InferenceJob bad, String nextModel, Reason reason, String... messageParts) throws Exception {
        InferenceJob next = job(nextModel, nextModel.equals(faulty) ? "none" : null);
        fx.submit(bad);
        fx.submit(next);
        List<JobFailure> failures = fx.failures(Set.of(bad.getJobId()), f -> !f.isEmpty(), WAIT);
        assertThat(failures).hasSize(1);
        JobFailure f = failures.get(0);
        assertThat(f.getReason()).as(f.getMessage()).isEqualTo(reason.name());
        assertThat(f.getRetriable()).isEqualTo(reason.retriable());
        assertThat(f.getAttempts()).isEqualTo(reason.retriable() ? 2 : 1);
        assertThat(f.getMessage()).contains(messageParts);
        assertThat(f.getJob()).isEqualTo(bad);
        Map<String, JobStatus> finals = WorkerFixture.finalStates(fx.statuses(Set.of(bad.getJobId(), next.getJobId()),
                s -> WorkerFixture.finalStates(s).size() == 2, WAIT));
        assertThat(finals.get(bad.getJobId()).getState()).isEqualTo(JobState.FAILED);
        assertThat(finals.get(next.getJobId()).getState()).as("the next job: " + finals.get(next.getJobId()).getMessage())
                .isEqualTo(JobState.SUCCEEDED);
        assertThat(fx.predictions(Set.of(next.getJobId()), p -> !p.isEmpty(), WAIT)).isNotEmpty();
        assertThat(fx.predictions(Set.of(bad.getJobId()), p -> false, Duration.ofMillis(300))).as("nothing published for the bad job").isEmpty();
        assertThat(worker.healthy()).isTrue();
        return f;
    }

    // --- MD.ai packages that cannot load ----------------------------------------------------------

    @Test
    void shouldDeadLetterAPackageWithoutMdaiDeploy() throws Exception {
        deadLetterThenNextSucceeds(job(mdaiPackage("no-deploy"), null), faulty, Reason.MODEL_LOAD_FAILED, "no .mdai/mdai_deploy.py");
    }

    @Test
    void shouldDeadLetterAPackageWithoutMdaiModel() throws Exception {
        deadLetterThenNextSucceeds(job(mdaiPackage("no-class"), null), faulty, Reason.MODEL_LOAD_FAILED, "defines no class MDAIModel");
    }

    @Test
    void shouldDeadLetterAnImportErrorWithItsTraceback() throws Exception {
        deadLetterThenNextSucceeds(job(mdaiPackage("import-error"), null), faulty, Reason.MODEL_LOAD_FAILED,
                "ModuleNotFoundError: No module named 'radflow_module_that_does_not_exist'", "Traceback");
    }

    @Test
    void shouldDeadLetterAPackageWhoseRequirementsPipCannotInstall() throws Exception {
        deadLetterThenNextSucceeds(job(mdaiPackage("missing-requirement"), null), faulty, Reason.MODEL_LOAD_FAILED,
                "cannot install requirement 'numpy>=99.0' of requirements.txt from wheelhouse", "No matching distribution found");
    }

    // --- MD.ai models that misbehave while predicting ---------------------------------------------

    @Test
    void shouldDeadLetterPredictRaising() throws Exception {
        deadLetterThenNextSucceeds(job(faulty, "raise"), faulty, Reason.MODEL_ERROR, "ValueError: the model cannot read this study",
                "Traceback");
    }

    @Test
    void shouldDeadLetterAModelHangingPastTheTimeout() throws Exception {
        deadLetterThenNextSucceeds(job(faulty, "hang"), faulty, Reason.MODEL_TIMEOUT, "did not answer in time", "was killed");
    }

    @Test
    void shouldRetryTheJobsOfABatchThatTimedOutEachOnItsOwn() throws Exception {
        // Batches of up to 4, gathered for 300 ms: the hanging job and two good ones share the first attempt.
        String batched = fx.registerModel("faulty-batched", fx.version(1, RuntimeKind.MDAI_PYTHON,
                fx.artifact(TestPackages.zip("faulty", dir, Map.of())), TestPackages.faultyLabels(), Map.of("fault", "none"), 4, 300));
        InferenceJob hang = job(batched, "hang");
        InferenceJob good1 = job(batched, "none");
        InferenceJob good2 = job(batched, "none");
        fx.submit(hang);
        fx.submit(good1);
        fx.submit(good2);
        Set<String> ids = Set.of(hang.getJobId(), good1.getJobId(), good2.getJobId());
        Map<String, JobStatus> finals = WorkerFixture.finalStates(fx.statuses(ids, s -> WorkerFixture.finalStates(s).size() == 3,
                Duration.ofSeconds(90)));
        assertThat(finals.get(hang.getJobId()).getState()).isEqualTo(JobState.FAILED);
        assertThat(finals.get(hang.getJobId()).getReason()).isEqualTo(Reason.MODEL_TIMEOUT.name());
        for (InferenceJob good : List.of(good1, good2)) {
            assertThat(finals.get(good.getJobId()).getState()).as(finals.get(good.getJobId()).getMessage()).isEqualTo(JobState.SUCCEEDED);
        }
        assertThat(fx.failures(ids, f -> !f.isEmpty(), WAIT)).extracting(JobFailure::getJobId).containsExactly(hang.getJobId());
    }

    @Test
    void shouldDeadLetterAModelCallingSysExit() throws Exception {
        deadLetterThenNextSucceeds(job(faulty, "exit"), faulty, Reason.MODEL_ERROR, "the model called sys.exit(3)");
    }

    @Test
    void shouldDeadLetterAModelKillingItsProcess() throws Exception {
        deadLetterThenNextSucceeds(job(faulty, "crash"), faulty, Reason.RUNTIME_CRASHED, "died", "exit code 7");
    }

    @Test
    void shouldDeadLetterANonListResult() throws Exception {
        deadLetterThenNextSucceeds(job(faulty, "not_a_list"), faulty, Reason.INVALID_OUTPUT, "predict must return a list of outputs, got dict");
    }

    @Test
    void shouldDeadLetterResultsWithWrongTypes() throws Exception {
        deadLetterThenNextSucceeds(job(faulty, "wrong_type"), faulty, Reason.INVALID_OUTPUT, "'class_index' must be int, got str '0'");
    }

    @Test
    void shouldDeadLetterResultsThatFailRadflowsValidation() throws Exception {
        String oneLabel = fx.registerModel("no-labels", fx.version(1, RuntimeKind.MDAI_PYTHON,
                fx.artifact(TestPackages.zip("faulty", "faulty-nolabels", dir, Map.of())), List.of(), Map.of("fault", "none"), 1, 0));
        deadLetterThenNextSucceeds(job(oneLabel, "none"), faulty, Reason.INVALID_OUTPUT,
                "class index 0 is not among the version's label classes []");
    }

    @Test
    void shouldPublishNormallyWhenTheModelPrintsToStdout() throws Exception {
        InferenceJob printing = job(faulty, "print");
        InferenceJob next = job(faulty, "none");
        fx.submit(printing, next);
        Map<String, JobStatus> finals = WorkerFixture.finalStates(fx.statuses(Set.of(printing.getJobId(), next.getJobId()),
                s -> WorkerFixture.finalStates(s).size() == 2, WAIT));
        assertThat(finals.values()).extracting(JobStatus::getState).containsOnly(JobState.SUCCEEDED);
        assertThat(finals.values()).extracting(JobStatus::getAttempts).containsOnly(1);
        List<Prediction> ps = fx.predictions(Set.of(printing.getJobId()), p -> !p.isEmpty(), WAIT);
        assertThat(ps).hasSize(1);
        assertThat(ps.get(0).getSopInstanceUid()).isEqualTo(printing.getInstances().get(0).getSopInstanceUid());
    }

    @Test
    void shouldRestartACrashedProcessAndSucceedOnTheRetry() throws Exception {
        InferenceJob once = job(faulty, "crash_once");
        fx.submit(once);
        List<JobStatus> statuses = fx.statuses(Set.of(once.getJobId()), s -> !WorkerFixture.finalStates(s).isEmpty(), WAIT);
        JobStatus last = WorkerFixture.finalStates(statuses).get(once.getJobId());
        assertThat(last.getState()).isEqualTo(JobState.SUCCEEDED);
        assertThat(last.getAttempts()).isEqualTo(2);
        assertThat(statuses).filteredOn(s -> s.getState() == JobState.RETRYING).extracting(JobStatus::getReason)
                .containsExactly(Reason.RUNTIME_CRASHED.name());
        assertThat(fx.failures(Set.of(once.getJobId()), f -> false, Duration.ofMillis(300))).isEmpty();
    }

    // --- HTTP models that answer badly ------------------------------------------------------------

    @Test
    void shouldDeadLetterAnHttpModelAnswering500() throws Exception {
        deadLetterThenNextSucceeds(job(httpModel("error500"), null), goodHttp, Reason.MODEL_ERROR, "answered HTTP 500 after 3 tries");
    }

    @Test
    void shouldDeadLetterAnHttpModelAnsweringGarbage() throws Exception {
        deadLetterThenNextSucceeds(job(httpModel("garbage"), null), goodHttp, Reason.INVALID_OUTPUT, "not JSON", "this is not json");
    }

    @Test
    void shouldDeadLetterAnHttpModelReportingFailure() throws Exception {
        deadLetterThenNextSucceeds(job(httpModel("failed"), null), goodHttp, Reason.MODEL_ERROR,
                "status failed: model could not process the image");
    }

    @Test
    void shouldDeadLetterAnHttpModelAnsweringNothing() throws Exception {
        deadLetterThenNextSucceeds(job(httpModel("hang"), null), goodHttp, Reason.MODEL_TIMEOUT, "no answer within 1500 ms");
    }

    @Test
    void shouldDeadLetterAnHttpModelDroppingTheConnection() throws Exception {
        deadLetterThenNextSucceeds(job(httpModel("close"), null), goodHttp, Reason.RUNTIME_UNAVAILABLE, "connection failed");
    }

    @Test
    void shouldDeadLetterAnHttpModelNamingAClassItNeverListed() throws Exception {
        deadLetterThenNextSucceeds(job(httpModel("stranger"), null), goodHttp, Reason.INVALID_OUTPUT, "class dragon");
    }

    @Test
    void shouldDeadLetterAnEmptyHttpAnswer() throws Exception {
        deadLetterThenNextSucceeds(job(httpModel("empty"), null), goodHttp, Reason.INVALID_OUTPUT, "the answer is empty");
    }
}
