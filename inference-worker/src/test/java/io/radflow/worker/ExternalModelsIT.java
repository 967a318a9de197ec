package io.radflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.dicom.DicomAttributes;
import io.radflow.dicom.DicomReader;
import io.radflow.schemas.avro.Artifact;
import io.radflow.schemas.avro.BoundingBox;
import io.radflow.schemas.avro.HttpEndpoint;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.InputType;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.Mask;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.OutputType;
import io.radflow.schemas.avro.Point;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import io.radflow.schemas.avro.Vertices;
import io.radflow.testsupport.Events;
import io.radflow.worker.metrics.WorkerMetrics;
import io.radflow.worker.runtime.http.PngReference;
import io.radflow.worker.runtime.http.V7Server;
import io.radflow.worker.runtime.mdai.IntensityReference;
import io.radflow.worker.runtime.mdai.MdaiConfig;
import io.radflow.worker.runtime.mdai.TestPackages;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MD.ai-style Python packages and an external HTTP model run by the worker on the real broker and
 * schema registry: real packages reading pydicom's test files with pydicom and numpy, at INSTANCE
 * and SERIES scope, and a V7-style model served by a real HTTP server. What lands on
 * {@code predictions} (read_committed) is checked field by field against values computed here with
 * Radflow's own DICOM reader in plain Java.
 */
class ExternalModelsIT {

    private static final Duration WAIT = Duration.ofMinutes(2);

    @TempDir
    static Path dir;

    private static WorkerFixture fx;
    private static InferenceWorker worker;
    private static SimpleMeterRegistry meters;
    private static V7Server http;

    @BeforeAll
    static void start() throws Exception {
        fx = new WorkerFixture(dir);
        String group = "external-models-" + fx.run;
        fx.startGroupAtEnd(group);
        meters = new SimpleMeterRegistry();
        // Calls whose files add up to more than 30 kB go to the model on disk, smaller ones in the message.
        worker = InferenceWorker.builder(fx.config(group, group, Map.of(MdaiConfig.WORK_DIR.name(), dir.resolve("mdai").toString(),
                MdaiConfig.DISK_THRESHOLD_BYTES.name(), "30000"))).meterRegistry(meters).build();
        worker.start();
        http = V7Server.start(dir);
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

    static ModelVersion version(RuntimeKind runtime, Scope scope, Artifact artifact, HttpEndpoint endpoint, List<LabelClass> labels,
                                int maxBatch, int delayMs) {
        return ModelVersion.newBuilder(fx.version(1, runtime, artifact, labels, Map.of(), maxBatch, delayMs)).setScope(scope)
                .setHttpEndpoint(endpoint).build();
    }

    static InferenceJob seriesJob(String modelId, List<Path> files) {
        List<JobInstance> instances = new ArrayList<>();
        DicomAttributes first = null;
        for (Path f : files) {
            DicomAttributes a = DicomReader.headerOnly().read(f).attributes();
            first = first == null ? a : first;
            instances.add(Events.jobInstance(a.studyInstanceUid(), a.seriesInstanceUid(), a.sopInstanceUid(), fx.store(f)));
        }
        return Events.job(fx.run + "-series-" + UUID.randomUUID().toString().substring(0, 12), "project-" + fx.run, modelId, 1,
                Scope.SERIES, first.seriesInstanceUid(), instances);
    }

    /** Submits an INSTANCE job for CT_small, MR_small and the multi-frame rtdose; {@code jobs} gets each job's file. */
    private static List<InferenceJob> submitInstanceJobs(String model, Map<String, Path> jobs) throws Exception {
        List<InferenceJob> all = new ArrayList<>();
        for (String name : List.of("CT_small.dcm", "MR_small.dcm", "rtdose.dcm")) {
            Path file = TestModels.dicom(name);
            InferenceJob job = fx.job(model, 1, fx.store(file), file);
            jobs.put(job.getJobId(), file);
            all.add(job);
        }
        fx.submit(all.toArray(InferenceJob[]::new));
        return all;
    }

    private static Map<String, List<Prediction>> await(Map<String, ?> jobs, int expectedPredictions) {
        List<JobStatus> statuses = fx.statuses(jobs.keySet(), s -> WorkerFixture.finalStates(s).size() == jobs.size(), WAIT);
        Map<String, JobStatus> finals = WorkerFixture.finalStates(statuses);
        assertThat(finals.values()).allSatisfy(s -> assertThat(s.getState()).as(s.getJobId() + " " + s.getMessage())
                .isEqualTo(JobState.SUCCEEDED));
        List<Prediction> ps = fx.predictions(jobs.keySet(), p -> p.size() >= expectedPredictions, WAIT);
        WorkerFixture.assertNoDuplicates(ps);
        assertThat(ps).hasSize(expectedPredictions);
        Map<String, List<Prediction>> byJob = ps.stream().collect(Collectors.groupingBy(Prediction::getJobId));
        byJob.values().forEach(l -> l.sort(Comparator.comparingInt(Prediction::getOutputIndex)));
        finals.values().forEach(s -> assertThat(s.getPredictionCount()).isEqualTo(byJob.get(s.getJobId()).size()));
        return byJob;
    }

    private static void assertIdentity(Prediction p, InferenceJob job, String instanceUid, Integer frame, RuntimeKind runtime) {
        JobInstance i = job.getInstances().stream().filter(x -> x.getSopInstanceUid().equals(instanceUid)).findFirst().orElseThrow();
        assertThat(p.getType()).isEqualTo(OutputType.ANNOTATION);
        assertThat(p.getStudyInstanceUid()).isEqualTo(i.getStudyInstanceUid());
        assertThat(p.getSeriesInstanceUid()).isEqualTo(i.getSeriesInstanceUid());
        assertThat(p.getSopInstanceUid()).isEqualTo(instanceUid);
        assertThat(p.getFrameNumber()).isEqualTo(frame);
        assertThat(p.getModelId()).isEqualTo(job.getModelId());
        assertThat(p.getProvenance().getRuntime()).isEqualTo(runtime);
        assertThat(p.getProvenance().getWorkerId()).isEqualTo(worker.workerId());
    }

    private static Mask mask(IntensityReference.Frame e) {
        return new Mask(e.rows(), e.columns(), ByteBuffer.wrap(e.mask()));
    }

    @Test
    void shouldRunAnMdaiPackageOnInstancesInBatchesAndPublishWhatTheReferenceSays() throws Exception {
        Path zip = TestPackages.zip("intensity", "intensity-batch", dir, Map.of(".mdai/config.yaml",
                "base_image: py311\ndevice_type: cpu\nenv:\n  INTENSITY_BATCH: \"1\"\n"));
        Artifact artifact = fx.artifact(zip);
        String model = fx.registerModel("intensity", version(RuntimeKind.MDAI_PYTHON, Scope.INSTANCE, artifact, null,
                TestPackages.intensityLabels(), 3, 2_000));
        Map<String, Path> jobs = new LinkedHashMap<>();
        List<InferenceJob> all = submitInstanceJobs(model, jobs);
        int expected = jobs.values().stream().mapToInt(f -> 5 * IntensityReference.intensity(f).size()).sum();
        Map<String, List<Prediction>> byJob = await(jobs, expected);
        for (InferenceJob job : all) {
            Path file = jobs.get(job.getJobId());
            List<Prediction> ps = byJob.get(job.getJobId());
            List<IntensityReference.Frame> frames = IntensityReference.intensity(file);
            String instance = job.getInstances().get(0).getSopInstanceUid();
            for (int k = 0; k < frames.size(); k++) {
                IntensityReference.Frame e = frames.get(k);
                List<Prediction> mine = ps.subList(5 * k, 5 * k + 5);
                for (Prediction p : mine) {
                    assertIdentity(p, job, instance, e.frameNumber(), RuntimeKind.MDAI_PYTHON);
                    assertThat(p.getProvenance().getArtifactSha256()).isEqualTo(artifact.getSha256());
                    // One call of three jobs (56 kB together) is over the 30 kB threshold: its files go on disk.
                    assertThat(p.getNote()).startsWith("predict_batch groups=3 source=DISK");
                }
                assertThat(mine).extracting(Prediction::getLabelId).containsExactly("L_bright", "L_box", "L_outline", "L_mask", "L_peak");
                assertThat(mine.get(0).getProbability()).isEqualTo(e.fractionAboveMean());
                assertThat(mine.get(0).getData()).isNull();
                assertThat(mine.get(1).getData()).isEqualTo(new BoundingBox((double) e.boxX(), (double) e.boxY(), (double) e.boxWidth(),
                        (double) e.boxHeight()));
                double x1 = e.boxX() + e.boxWidth();
                double y1 = e.boxY() + e.boxHeight();
                assertThat(mine.get(2).getData()).isEqualTo(new Vertices(List.of(new Point((double) e.boxX(), (double) e.boxY()),
                        new Point(x1, (double) e.boxY()), new Point(x1, y1), new Point((double) e.boxX(), y1))));
                assertThat(mine.get(3).getData()).isEqualTo(mask(e));
                assertThat(mine.get(4).getData()).isEqualTo(new Point((double) e.peakX(), (double) e.peakY()));
            }
        }
        assertThat(IntensityReference.intensity(TestModels.dicom("rtdose.dcm"))).as("a multi-frame instance").hasSizeGreaterThan(1);
        assertThat(meters.get(WorkerMetrics.JOBS).tags("model", model, "outcome", WorkerMetrics.SUCCEEDED).counter().count()).isEqualTo(3.0);
        try (Stream<Path> left = Files.walk(dir.resolve("mdai").resolve("data"))) {
            assertThat(left.filter(Files::isRegularFile).toList()).as("DISK inputs left behind").isEmpty();
        }
    }

    @Test
    void shouldRunAnMdaiPackageThatTakesThumbnails() throws Exception {
        Path zip = TestPackages.zip("faulty", "thumbnails", dir, Map.of(".mdai/config.yaml", "device_type: cpu\n",
                ".mdai/mdai_deploy.py", TestPackages.THUMBNAIL_MODEL, "requirements.txt", "Pillow\n"));
        String model = fx.registerModel("thumbnails", ModelVersion.newBuilder(version(RuntimeKind.MDAI_PYTHON, Scope.INSTANCE,
                fx.artifact(zip), null, TestPackages.faultyLabels(), 1, 0)).setInputType(InputType.THUMBNAIL).build());
        Map<String, Path> jobs = new LinkedHashMap<>();
        List<InferenceJob> all = submitInstanceJobs(model, jobs);
        Map<String, Integer> frames = new LinkedHashMap<>();
        for (Map.Entry<String, Path> j : jobs.entrySet()) {
            frames.put(j.getKey(), IntensityReference.intensity(j.getValue()).size());
        }
        Map<String, List<Prediction>> byJob = await(jobs, frames.values().stream().mapToInt(Integer::intValue).sum());
        for (InferenceJob job : all) {
            List<Prediction> ps = byJob.get(job.getJobId());
            assertThat(ps).hasSize(frames.get(job.getJobId()));
            for (int k = 0; k < ps.size(); k++) {
                assertIdentity(ps.get(k), job, job.getInstances().get(0).getSopInstanceUid(), ps.size() > 1 ? k : null,
                        RuntimeKind.MDAI_PYTHON);
                assertThat(ps.get(k).getNote()).startsWith("image/jpeg JPEG ");
            }
        }
        // CT_small (39 kB, over the 30 kB threshold) reaches the model as files on disk, MR_small and rtdose in the message.
        assertThat(byJob.values().stream().flatMap(List::stream).map(Prediction::getNote))
                .anyMatch(n -> n.endsWith(" DISK")).anyMatch(n -> n.endsWith(" MEMORY"));
    }

    @Test
    void shouldRunAnMdaiPackageOnWholeSeries() throws Exception {
        String model = fx.registerModel("series-stats", version(RuntimeKind.MDAI_PYTHON, Scope.SERIES,
                fx.artifact(TestPackages.zip("series-stats", dir, Map.of())), null, TestPackages.seriesLabels(), 1, 0));
        Map<String, List<Path>> jobs = new LinkedHashMap<>();
        List<InferenceJob> all = new ArrayList<>();
        for (String series : List.of("dicomdirtests/98892003/MR700", "dicomdirtests/98892001/CT5N")) {
            List<Path> files;
            try (Stream<Path> s = Files.list(TestModels.DICOM_DIR.resolve(series))) {
                files = s.sorted().toList();
            }
            InferenceJob job = seriesJob(model, files);
            jobs.put(job.getJobId(), files);
            all.add(job);
        }
        fx.submit(all.toArray(InferenceJob[]::new));
        Map<String, List<Prediction>> byJob = await(jobs, 2 * jobs.size());
        for (InferenceJob job : all) {
            List<Path> files = jobs.get(job.getJobId());
            IntensityReference.Series e = IntensityReference.series(files);
            List<Prediction> ps = byJob.get(job.getJobId());
            Prediction global = ps.get(0);
            assertThat(global.getLabelId()).isEqualTo("L_series_bright");
            assertThat(global.getStudyInstanceUid()).isEqualTo(job.getStudyInstanceUid());
            assertThat(global.getSeriesInstanceUid()).isEqualTo(job.getScopeUid());
            assertThat(global.getSopInstanceUid()).isNull();
            assertThat(global.getProbability()).isEqualTo(e.fractionAboveMean());
            assertThat(global.getNote()).isEqualTo("instances=" + files.size());
            Prediction peak = ps.get(1);
            assertIdentity(peak, job, job.getInstances().get(e.peakFile()).getSopInstanceUid(), null, RuntimeKind.MDAI_PYTHON);
            assertThat(peak.getLabelId()).isEqualTo("L_series_peak");
            assertThat(peak.getData()).isEqualTo(new Point((double) e.peakX(), (double) e.peakY()));
        }
    }

    @Test
    void shouldRunAnExternalHttpModel() throws Exception {
        String model = fx.registerModel("v7", version(RuntimeKind.HTTP, Scope.INSTANCE, null, new HttpEndpoint(http.url("good"), 10_000, null),
                V7Server.labels(), 4, 300));
        Map<String, Path> jobs = new LinkedHashMap<>();
        List<InferenceJob> all = submitInstanceJobs(model, jobs);
        int expected = jobs.values().stream().flatMap(f -> PngReference.frames(f).stream()).mapToInt(e -> e.w() > 0 ? 4 : 2).sum();
        Map<String, List<Prediction>> byJob = await(jobs, expected);
        for (InferenceJob job : all) {
            List<Prediction> ps = byJob.get(job.getJobId());
            String instance = job.getInstances().get(0).getSopInstanceUid();
            int i = 0;
            for (PngReference.Frame e : PngReference.frames(jobs.get(job.getJobId()))) {
                Prediction bright = ps.get(i++);
                assertIdentity(bright, job, instance, e.frameNumber(), RuntimeKind.HTTP);
                assertThat(bright.getLabelId()).isEqualTo("L_bright");
                assertThat(bright.getProbability()).isEqualTo(e.brightFraction());
                assertThat(bright.getData()).isNull();
                if (e.w() > 0) {
                    Prediction region = ps.get(i++);
                    assertIdentity(region, job, instance, e.frameNumber(), RuntimeKind.HTTP);
                    assertThat(region.getLabelId()).isEqualTo("L_region");
                    assertThat(region.getData()).isEqualTo(new BoundingBox((double) e.x(), (double) e.y(), (double) e.w(), (double) e.h()));
                    Prediction outline = ps.get(i++);
                    assertThat(outline.getLabelId()).isEqualTo("L_outline");
                    assertThat(((Vertices) outline.getData()).getVertices()).hasSize(4).first()
                            .isEqualTo(new Point((double) e.x(), (double) e.y()));
                }
                Prediction peak = ps.get(i++);
                assertIdentity(peak, job, instance, e.frameNumber(), RuntimeKind.HTTP);
                assertThat(peak.getLabelId()).isEqualTo("peak");
                assertThat(peak.getData()).isEqualTo(new Point((double) e.peakX(), (double) e.peakY()));
                assertThat(peak.getProbability()).isNull();
            }
            assertThat(i).isEqualTo(ps.size());
        }
    }
}
