package io.radflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.schemas.avro.Artifact;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.worker.metrics.WorkerMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker on the real broker and schema registry: the committed classifier and segmentation
 * models run on pydicom's files, and what lands on {@code predictions} (read with read_committed)
 * matches the numpy reference field by field.
 */
class InferenceWorkerIT {

    @TempDir
    static Path dir;

    private static WorkerFixture fx;
    private static InferenceWorker worker;
    private static SimpleMeterRegistry meters;
    private static Artifact classifier;
    private static Artifact segmenter;

    @BeforeAll
    static void start() throws Exception {
        fx = new WorkerFixture(dir);
        classifier = fx.artifact(TestModels.model("classifier.onnx", dir));
        segmenter = fx.artifact(TestModels.model("segmenter.onnx", dir));
        String group = "worker-it-" + fx.run;
        fx.startGroupAtEnd(group);
        meters = new SimpleMeterRegistry();
        worker = InferenceWorker.builder(fx.config(group, "worker-it-" + fx.run, Map.of())).meterRegistry(meters).build();
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
    void shouldPublishPredictionsThatMatchTheNumpyReferenceFieldByField() throws Exception {
        String cls = fx.registerModel("classifier", fx.version(1, RuntimeKind.ONNX, classifier, TestModels.classifierLabels(),
                TestModels.args("classifier"), 4, 200));
        String seg = fx.registerModel("segmenter", fx.version(1, RuntimeKind.ONNX, segmenter, TestModels.segmenterLabels(),
                TestModels.args("segmenter"), 2, 0));
        Map<String, String[]> jobs = new HashMap<>(); // job id -> model name, file
        List<InferenceJob> all = new ArrayList<>();
        for (String file : TestModels.FILES) {
            Path dicom = TestModels.dicom(file);
            var ref = fx.store(dicom);
            InferenceJob c = fx.job(cls, 1, ref, dicom);
            InferenceJob s = fx.job(seg, 1, ref, dicom);
            jobs.put(c.getJobId(), new String[] {"classifier", file});
            jobs.put(s.getJobId(), new String[] {"segmenter", file});
            all.add(c);
            all.add(s);
        }
        fx.submit(all.toArray(InferenceJob[]::new));

        int expectedCount = jobs.values().stream().mapToInt(j -> ExpectedOutputs.of(j[0], j[1]).size()).sum();
        List<Prediction> predictions = fx.predictions(jobs.keySet(), ps -> ps.size() >= expectedCount, Duration.ofMinutes(2));
        WorkerFixture.assertNoDuplicates(predictions);
        Map<String, List<Prediction>> byJob = predictions.stream().collect(Collectors.groupingBy(Prediction::getJobId));
        assertThat(byJob.keySet()).containsExactlyInAnyOrderElementsOf(jobs.keySet());
        for (Map.Entry<String, String[]> j : jobs.entrySet()) {
            List<Prediction> ps = new ArrayList<>(byJob.get(j.getKey()));
            ps.sort(Comparator.comparingInt(Prediction::getOutputIndex));
            ExpectedOutputs.assertPredictions(j.getValue()[0], j.getValue()[1], ps);
            InferenceJob job = all.stream().filter(x -> x.getJobId().equals(j.getKey())).findFirst().orElseThrow();
            for (Prediction p : ps) {
                assertThat(p.getProjectId()).isEqualTo(job.getProjectId());
                assertThat(p.getDatasetId()).isEqualTo(job.getDatasetId());
                assertThat(p.getModelId()).isEqualTo(job.getModelId());
                assertThat(p.getModelVersion()).isEqualTo(1);
                if (p.getClassIndex() != null) {
                    String expectedLabel = (j.getValue()[0].equals("classifier") ? TestModels.classifierLabels() : TestModels.segmenterLabels())
                            .get(p.getClassIndex()).getLabelId();
                    assertThat(p.getLabelId()).isEqualTo(expectedLabel);
                }
                var prov = p.getProvenance();
                assertThat(prov.getWorkerId()).isEqualTo(worker.workerId());
                assertThat(prov.getRuntime()).isEqualTo(RuntimeKind.ONNX);
                assertThat(prov.getDevice()).isEqualTo(Device.CPU);
                assertThat(prov.getArtifactSha256()).isEqualTo(j.getValue()[0].equals("classifier") ? classifier.getSha256() : segmenter.getSha256());
                assertThat(prov.getJobCreatedAt()).isEqualTo(job.getCreatedAt());
                assertThat(prov.getUploadedAt()).isEqualTo(job.getInstances().get(0).getUploadedAt());
                assertThat(prov.getStartedAt()).isAfterOrEqualTo(prov.getJobCreatedAt());
                assertThat(prov.getCompletedAt()).isAfterOrEqualTo(prov.getStartedAt());
            }
        }

        List<JobStatus> statuses = fx.statuses(jobs.keySet(),
                ss -> WorkerFixture.finalStates(ss).size() == jobs.size(), Duration.ofMinutes(1));
        Map<String, JobStatus> finals = WorkerFixture.finalStates(statuses);
        assertThat(finals.values()).allSatisfy(s -> {
            assertThat(s.getState()).isEqualTo(JobState.SUCCEEDED);
            assertThat(s.getPredictionCount()).isEqualTo(byJob.get(s.getJobId()).size());
            assertThat(s.getAttempts()).isEqualTo(1);
            assertThat(s.getWorkerId()).isEqualTo(worker.workerId());
        });
        assertThat(statuses).anySatisfy(s -> assertThat(s.getState()).isEqualTo(JobState.RUNNING));

        // Jobs are counted once their transaction committed; batches and timers recorded per model.
        assertThat(meters.get(WorkerMetrics.JOBS).tags("model", cls, "outcome", WorkerMetrics.SUCCEEDED).counter().count()).isEqualTo(3.0);
        assertThat(meters.get(WorkerMetrics.JOBS).tags("model", seg, "outcome", WorkerMetrics.SUCCEEDED).counter().count()).isEqualTo(3.0);
        assertThat(meters.get(WorkerMetrics.BATCH_SIZE).tags("model", cls).summary().totalAmount()).isEqualTo(3.0);
        assertThat(meters.get(WorkerMetrics.INFERENCE_LATENCY).tags("model", seg).timer().count()).isGreaterThanOrEqualTo(2);
        assertThat(meters.get(WorkerMetrics.QUEUE_WAIT).tags("model", cls).timer().count()).isEqualTo(3);
        assertThat(meters.get(WorkerMetrics.CONSUMER_LAG).gauges()).as("one lag gauge per jobs topic, which KEDA tells apart")
                .extracting(g -> g.getId().getTag("topic")).containsExactlyInAnyOrder("inference-jobs", "run-jobs");
        assertThat(meters.get(WorkerMetrics.TRANSACTIONS).tags("outcome", "committed").timer().count()).isPositive();
        assertThat(worker.healthy()).isTrue();
    }

    @Test
    void shouldBatchJobsOfOneVersionUpToItsMaxBatchSize() throws Exception {
        String cls = fx.registerModel("batched", fx.version(1, RuntimeKind.ONNX, classifier, TestModels.classifierLabels(), Map.of(), 8, 2_000));
        Path dicom = TestModels.dicom("MR_small.dcm");
        var ref = fx.store(dicom);
        InferenceJob[] jobs = new InferenceJob[8];
        for (int i = 0; i < jobs.length; i++) {
            jobs[i] = fx.job(cls, 1, ref, dicom);
        }
        fx.submit(jobs);
        Set<String> ids = WorkerFixture.ids(jobs);
        List<Prediction> ps = fx.predictions(ids, p -> p.size() >= jobs.length, Duration.ofMinutes(1));
        assertThat(ps).hasSize(jobs.length);
        // Eight jobs within the 2 s delay fill one batch of eight (the delay would otherwise hold them).
        var summary = meters.get(WorkerMetrics.BATCH_SIZE).tags("model", cls).summary();
        assertThat(summary.max()).isEqualTo(8.0);
        assertThat(summary.count()).isEqualTo(1);
        ExpectedOutputs.assertPredictions("classifier", "MR_small.dcm", List.of(ps.get(0)));
    }
}
