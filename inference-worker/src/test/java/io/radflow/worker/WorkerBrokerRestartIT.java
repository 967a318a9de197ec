package io.radflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.worker.preprocess.TestDicomImages;
import io.radflow.worker.runtime.onnx.OnnxRuntime;
import io.radflow.worker.runtime.onnx.OnnxSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker goes away and comes back while the worker is mid-run: nothing is lost, nothing duplicated. */
class WorkerBrokerRestartIT {

    private static final int JOBS = 16;

    @TempDir
    static Path dir;

    private static WorkerFixture fx;
    private static InferenceWorker worker;

    @BeforeAll
    static void start() throws Exception {
        fx = new WorkerFixture(dir);
        String group = "worker-restart-" + fx.run;
        fx.startGroupAtEnd(group);
        worker = InferenceWorker.builder(fx.config(group, group, Map.of()))
                .runtime(new SlowRuntime(new OnnxRuntime(new OnnxSettings(Device.CPU, 0, 1), TestDicomImages.shared()), 250)).build();
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
    void shouldPublishEveryJobExactlyOnceAcrossABrokerRestart() throws Exception {
        String model = fx.registerModel("restart", fx.version(1, RuntimeKind.ONNX, fx.artifact(TestModels.model("classifier.onnx", dir)),
                TestModels.classifierLabels(), Map.of(), 2, 0));
        Path dicom = TestModels.dicom("MR_small.dcm");
        var ref = fx.store(dicom);
        List<InferenceJob> jobs = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            jobs.add(fx.job(model, 1, ref, dicom));
        }
        fx.submit(jobs.toArray(InferenceJob[]::new));
        Set<String> ids = jobs.stream().map(InferenceJob::getJobId).collect(Collectors.toSet());

        List<Prediction> before = fx.predictions(ids, ps -> !ps.isEmpty(), Duration.ofMinutes(1));
        assertThat(before).isNotEmpty();
        var kafka = fx.stack.embeddedKafka();
        kafka.stop();
        Thread.sleep(2_000); // the broker stays away while batches finish and commits fail
        kafka.start();

        List<Prediction> all = fx.predictions(ids, ps -> ps.stream().map(Prediction::getJobId).distinct().count() == JOBS,
                Duration.ofMinutes(2));
        all = fx.predictions(ids, ps -> false, Duration.ofSeconds(2));
        Map<String, Long> perJob = all.stream().collect(Collectors.groupingBy(Prediction::getJobId, Collectors.counting()));
        assertThat(perJob.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(perJob.values()).as("one prediction per job, none twice").containsOnly(1L);
        Map<String, JobStatus> finals = WorkerFixture.finalStates(fx.statuses(ids, s -> WorkerFixture.finalStates(s).size() == JOBS,
                Duration.ofMinutes(1)));
        assertThat(finals.values()).extracting(JobStatus::getState).containsOnly(JobState.SUCCEEDED);
        assertThat(worker.healthy()).isTrue();
        all.forEach(p -> ExpectedOutputs.assertPredictions("classifier", "MR_small.dcm", List.of(p)));
    }
}
