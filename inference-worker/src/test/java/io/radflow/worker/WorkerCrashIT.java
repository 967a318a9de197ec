package io.radflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.testsupport.ChildJvm;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a worker process (SIGKILL, no shutdown) in the middle of its batches, starts another with
 * the same worker id, and checks that every job has exactly one set of predictions on the
 * {@code predictions} topic as a read_committed consumer sees it.
 */
class WorkerCrashIT {

    private static final int JOBS = 24;

    @TempDir
    static Path dir;

    private static WorkerFixture fx;
    private final List<ChildJvm> processes = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        fx = new WorkerFixture(dir);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private ChildJvm startWorker(Path config, long batchDelayMs) throws IOException {
        ChildJvm worker = ChildJvm.start(dir, WorkerProcessMain.class, config.toString(), Long.toString(batchDelayMs));
        processes.add(worker);
        return worker;
    }

    @Test
    void shouldPublishExactlyOneSetOfPredictionsPerJobAcrossAKill() throws Exception {
        String model = fx.registerModel("crash", fx.version(1, RuntimeKind.ONNX, fx.artifact(TestModels.model("classifier.onnx", dir)),
                TestModels.classifierLabels(), Map.of(), 4, 100));
        String group = "worker-crash-" + fx.run;
        fx.startGroupAtEnd(group);
        Properties props = new Properties();
        props.putAll(fx.workerSettings(group, group));
        props.put("kafka.bootstrap.servers", fx.stack.bootstrapServers());
        props.put("schema.registry.url", fx.stack.schemaRegistryUrl());
        Path config = dir.resolve("worker.properties");
        try (Writer w = Files.newBufferedWriter(config)) {
            props.store(w, "crash test worker");
        }

        ChildJvm first = startWorker(config, 400);
        first.awaitLine("ASSIGNED");

        List<InferenceJob> jobs = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            String file = i % 2 == 0 ? "CT_small.dcm" : "MR_small.dcm";
            Path dicom = TestModels.dicom(file);
            jobs.add(fx.job(model, 1, fx.store(dicom), dicom));
        }
        fx.submit(jobs.toArray(InferenceJob[]::new));
        Set<String> ids = jobs.stream().map(InferenceJob::getJobId).collect(Collectors.toSet());

        // Kill as soon as some, not all, jobs are committed: later batches are running or queued.
        List<Prediction> beforeKill = fx.predictions(ids, ps -> !ps.isEmpty(), Duration.ofMinutes(2));
        first.kill();
        int committedBeforeKill = (int) fx.predictions(ids, ps -> false, Duration.ofSeconds(1)).stream()
                .map(Prediction::getJobId).distinct().count();
        assertThat(beforeKill).as("predictions before the kill").isNotEmpty();
        assertThat(committedBeforeKill).as("jobs committed when the worker was killed: the kill must land mid-run").isLessThan(JOBS);

        ChildJvm second = startWorker(config, 0);
        second.awaitLine("ASSIGNED");
        List<Prediction> all = fx.predictions(ids, ps -> ps.stream().map(Prediction::getJobId).distinct().count() == JOBS,
                Duration.ofMinutes(2));
        // Keep reading a little: a duplicate would arrive after the last first copy.
        all = fx.predictions(ids, ps -> false, Duration.ofSeconds(3));
        assertThat(second.stop()).as("graceful stop on SIGTERM").isTrue();

        Map<String, Long> perJob = all.stream().collect(Collectors.groupingBy(Prediction::getJobId, Collectors.counting()));
        assertThat(perJob.keySet()).as("every job has predictions").containsExactlyInAnyOrderElementsOf(ids);
        assertThat(perJob.values()).as("exactly one set (the classifier gives one output per job)").containsOnly(1L);
        WorkerFixture.assertNoDuplicates(all);
        Map<String, ?> finals = WorkerFixture.finalStates(fx.statuses(ids, s -> WorkerFixture.finalStates(s).size() == JOBS,
                Duration.ofMinutes(1)));
        assertThat(finals).hasSize(JOBS);
        assertThat(finals.values()).allSatisfy(s -> assertThat(((io.radflow.schemas.avro.JobStatus) s).getState()).isEqualTo(JobState.SUCCEEDED));
        for (Prediction p : all) {
            String file = jobs.stream().filter(j -> j.getJobId().equals(p.getJobId())).findFirst().orElseThrow()
                    .getInstances().get(0).getSopInstanceUid().equals(TestModels.expected().path("files").path("CT_small.dcm").path("instance_uid").asText())
                    ? "CT_small.dcm" : "MR_small.dcm";
            ExpectedOutputs.assertPredictions("classifier", file, List.of(p));
        }
    }

    @org.junit.jupiter.api.AfterEach
    void killLeftovers() {
        processes.forEach(ChildJvm::close);
    }
}
