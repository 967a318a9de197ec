package io.radflow.worker.runtime.mdai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.dicom.DicomAttributes;
import io.radflow.dicom.DicomReader;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.InputType;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.OutputType;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import io.radflow.worker.postprocess.OutputValidator;
import io.radflow.worker.preprocess.TestDicomImages;
import io.radflow.worker.runtime.ItemResult;
import io.radflow.worker.runtime.LoadedModel;
import io.radflow.worker.runtime.ModelFile;
import io.radflow.worker.runtime.ModelKey;
import io.radflow.worker.runtime.ModelOutput;
import io.radflow.worker.runtime.ModelRequest;
import io.radflow.worker.runtime.ModelSpec;
import io.radflow.worker.runtime.OutputData.BoxData;
import io.radflow.worker.runtime.OutputData.MaskData;
import io.radflow.worker.runtime.OutputData.PointData;
import io.radflow.worker.runtime.OutputData.VerticesData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MD.ai runtime with real packages in a real {@code /usr/bin/python3} (pydicom, numpy,
 * msgpack), without Kafka: outputs against the independent reference, MD.ai 0.4 batching, DISK
 * inputs, load failures, model failures, restarts and shutdown.
 */
class MdaiRuntimeTest {

    static final Path DICOM = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private MdaiRuntime runtime;
    private final List<LoadedModel> loaded = new ArrayList<>();

    @BeforeEach
    void start() {
        runtime = new MdaiRuntime(settings(64L << 20));
    }

    private MdaiSettings settings(long diskThreshold) {
        // Offline: pip installs only from an empty wheelhouse, so a requirement the interpreter lacks fails at once.
        Path wheelhouse = dir.resolve("wheelhouse");
        try {
            Files.createDirectories(wheelhouse);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new MdaiSettings("/usr/bin/python3", dir.resolve("work"), diskThreshold, Duration.ofSeconds(60), 1L << 30, Device.CPU, 0)
                .withEnvs(new MdaiSettings.EnvSettings(dir.resolve("envs"), null, wheelhouse.toString(), Duration.ofMinutes(2)));
    }

    @AfterEach
    void stop() {
        loaded.forEach(LoadedModel::close);
        runtime.close();
    }

    // ---------------------------------------------------------------------------------------------

    static ModelSpec spec(Path zip, List<LabelClass> labels, int maxBatch) throws IOException {
        return new ModelSpec(new ModelKey("m-" + UUID.randomUUID().toString().substring(0, 6), 1), RuntimeKind.MDAI_PYTHON,
                Device.CPU, Scope.INSTANCE, InputType.DICOM, zip, sha256(zip), null, labels, Map.of(), maxBatch);
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static ModelFile file(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        DicomAttributes a = DicomReader.headerOnly().read(path).attributes();
        return new ModelFile(a.studyInstanceUid(), a.seriesInstanceUid(), a.sopInstanceUid(), "application/dicom", bytes,
                TestDicomImages.shared().geometry(bytes));
    }

    static ModelRequest request(List<LabelClass> labels, Map<String, String> args, Path... files) throws IOException {
        List<ModelFile> fs = new ArrayList<>();
        for (Path p : files) {
            fs.add(file(p));
        }
        return new ModelRequest("job-" + UUID.randomUUID(), fs, List.of(), labels, args);
    }

    private MdaiModel load(ModelSpec spec) {
        MdaiModel m = (MdaiModel) runtime.load(spec);
        loaded.add(m);
        return m;
    }

    private MdaiModel intensity(int maxBatch, Map<String, String> extraFiles) throws IOException {
        return load(spec(TestPackages.zip("intensity", "intensity-" + UUID.randomUUID(), dir, extraFiles),
                TestPackages.intensityLabels(), maxBatch));
    }

    private MdaiModel faulty(int maxBatch) throws IOException {
        return load(spec(TestPackages.zip("faulty", dir, Map.of()), TestPackages.faultyLabels(), maxBatch));
    }

    private static List<ModelOutput> success(ItemResult r) {
        assertThat(r).as("result").isInstanceOf(ItemResult.Success.class);
        return ((ItemResult.Success) r).outputs();
    }

    private static ItemResult.Failure failure(ItemResult r) {
        assertThat(r).as("result").isInstanceOf(ItemResult.Failure.class);
        return (ItemResult.Failure) r;
    }

    /** Checks one request's intensity outputs field by field against the Java reference. */
    static void assertIntensity(ModelRequest request, List<ModelOutput> outputs, Path dicom) {
        new OutputValidator(request, request.files().get(0).studyUid()).validate(outputs);
        ModelFile f = request.files().get(0);
        List<IntensityReference.Frame> frames = IntensityReference.intensity(dicom);
        assertThat(outputs).hasSize(5 * frames.size());
        for (int k = 0; k < frames.size(); k++) {
            IntensityReference.Frame e = frames.get(k);
            List<ModelOutput> mine = outputs.subList(5 * k, 5 * k + 5);
            for (ModelOutput o : mine) {
                assertThat(o.type()).isEqualTo(OutputType.ANNOTATION);
                assertThat(o.studyUid()).isEqualTo(f.studyUid());
                assertThat(o.seriesUid()).isEqualTo(f.seriesUid());
                assertThat(o.instanceUid()).isEqualTo(f.instanceUid());
                assertThat(o.frameNumber()).as("frame number").isEqualTo(e.frameNumber());
            }
            assertThat(mine).extracting(ModelOutput::classIndex).containsExactly(0, 1, 4, 3, 2);
            assertThat(mine.get(0).probability()).isEqualTo(e.fractionAboveMean());
            assertThat(mine.get(0).data()).isNull();
            assertThat(mine.get(1).data()).isEqualTo(new BoxData(e.boxX(), e.boxY(), e.boxWidth(), e.boxHeight()));
            int x1 = e.boxX() + e.boxWidth();
            int y1 = e.boxY() + e.boxHeight();
            assertThat(mine.get(2).data()).isEqualTo(new VerticesData(List.of(new PointData(e.boxX(), e.boxY()),
                    new PointData(x1, e.boxY()), new PointData(x1, y1), new PointData(e.boxX(), y1))));
            MaskData mask = (MaskData) mine.get(3).data();
            assertThat(mask.rows()).isEqualTo(e.rows());
            assertThat(mask.columns()).isEqualTo(e.columns());
            assertThat(mask.pixels()).isEqualTo(e.mask());
            assertThat(mine.get(4).data()).isEqualTo(new PointData(e.peakX(), e.peakY()));
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void shouldRunAPackageAndMatchTheReferenceFieldByField() throws Exception {
        MdaiModel model = intensity(1, Map.of());
        assertThat(model.device()).isEqualTo(Device.CPU);
        assertThat(model.hasPredictBatch()).isFalse();
        for (String name : List.of("CT_small.dcm", "MR_small.dcm", "rtdose.dcm")) {
            ModelRequest r = request(TestPackages.intensityLabels(), Map.of(), DICOM.resolve(name));
            List<ModelOutput> outputs = success(model.run(List.of(r), TIMEOUT).get(0));
            assertIntensity(r, outputs, DICOM.resolve(name));
            assertThat(outputs.get(0).note()).startsWith("predict source=MEMORY");
        }
        assertThat(IntensityReference.intensity(DICOM.resolve("rtdose.dcm"))).as("rtdose is multi-frame").hasSizeGreaterThan(1);
    }

    @Test
    void shouldLetAPackageReadCompressedPixelDataThroughPydicomWithGdcm() throws Exception {
        // The package receives the original bytes; the worker's Python has GDCM (python3-gdcm), so
        // pydicom's pixel_array decodes RLE, JPEG-LS and JPEG 2000. These variants of MR_small hold
        // its pixels losslessly: the outputs match the reference computed from the native file.
        MdaiModel model = intensity(1, Map.of());
        for (String name : List.of("MR_small_RLE.dcm", "MR_small_jpeg_ls_lossless.dcm", "MR_small_jp2klossless.dcm")) {
            ModelRequest r = request(TestPackages.intensityLabels(), Map.of(), DICOM.resolve(name));
            assertIntensity(r, success(model.run(List.of(r), TIMEOUT).get(0)), DICOM.resolve("MR_small.dcm"));
        }
    }

    @Test
    void shouldHandTheGroupsOfABatchToPredictBatch() throws Exception {
        MdaiModel model = intensity(4, Map.of(".mdai/config.yaml", "device_type: cpu\nenv:\n  INTENSITY_BATCH: \"1\"\n"));
        assertThat(model.hasPredictBatch()).isTrue();
        List<Path> files = List.of(DICOM.resolve("CT_small.dcm"), DICOM.resolve("MR_small.dcm"), DICOM.resolve("rtdose.dcm"));
        List<ModelRequest> batch = new ArrayList<>();
        for (Path p : files) {
            batch.add(request(TestPackages.intensityLabels(), Map.of(), p));
        }
        List<ItemResult> results = model.run(batch, TIMEOUT);
        for (int i = 0; i < files.size(); i++) {
            List<ModelOutput> outputs = success(results.get(i));
            assertIntensity(batch.get(i), outputs, files.get(i));
            assertThat(outputs).extracting(ModelOutput::note).allMatch(n -> n.startsWith("predict_batch groups=3 source=MEMORY"));
        }
    }

    @Test
    void shouldCallPredictOncePerGroupWhenTheModelHasNoPredictBatch() throws Exception {
        MdaiModel model = intensity(4, Map.of());
        List<ModelRequest> batch = List.of(request(TestPackages.intensityLabels(), Map.of(), DICOM.resolve("CT_small.dcm")),
                request(TestPackages.intensityLabels(), Map.of(), DICOM.resolve("MR_small.dcm")));
        List<ItemResult> results = model.run(batch, TIMEOUT);
        assertIntensity(batch.get(0), success(results.get(0)), DICOM.resolve("CT_small.dcm"));
        assertIntensity(batch.get(1), success(results.get(1)), DICOM.resolve("MR_small.dcm"));
        // One message, two predict calls on the same MDAIModel instance.
        assertThat(success(results.get(0)).get(0).note()).isEqualTo("predict source=MEMORY call=1");
        assertThat(success(results.get(1)).get(0).note()).isEqualTo("predict source=MEMORY call=2");
    }

    @Test
    void shouldCapCallsAtTheConfigBatchSizeAndKeepJobsWithTheSameInstanceApart() throws Exception {
        MdaiModel model = intensity(8, Map.of(".mdai/config.yaml", "batch_size: 2\nenv:\n  INTENSITY_BATCH: \"1\"\n"));
        assertThat(model.callSize()).isEqualTo(2);
        Path ct = DICOM.resolve("CT_small.dcm");
        Path mr = DICOM.resolve("MR_small.dcm");
        List<ModelRequest> batch = List.of(request(TestPackages.intensityLabels(), Map.of(), ct),
                request(TestPackages.intensityLabels(), Map.of(), ct), request(TestPackages.intensityLabels(), Map.of(), mr));
        List<ItemResult> results = model.run(batch, TIMEOUT);
        assertIntensity(batch.get(0), success(results.get(0)), ct);
        assertIntensity(batch.get(1), success(results.get(1)), ct);
        assertIntensity(batch.get(2), success(results.get(2)), mr);
        // The two CT jobs cannot share a call (their outputs would be indistinguishable): calls {ct, mr} and {ct}.
        assertThat(success(results.get(0)).get(0).note()).startsWith("predict_batch groups=2");
        assertThat(success(results.get(2)).get(0).note()).startsWith("predict_batch groups=2");
        assertThat(success(results.get(1)).get(0).note()).startsWith("predict_batch groups=1");
    }

    @Test
    void shouldPassLargeInputsOnDiskAndRemoveThemAfterwards() throws Exception {
        runtime.close();
        runtime = new MdaiRuntime(settings(1000));
        MdaiModel model = intensity(1, Map.of());
        Path ct = DICOM.resolve("CT_small.dcm");
        ModelRequest r = request(TestPackages.intensityLabels(), Map.of(), ct);
        List<ModelOutput> outputs = success(model.run(List.of(r), TIMEOUT).get(0));
        assertIntensity(r, outputs, ct);
        assertThat(outputs.get(0).note()).startsWith("predict source=DISK");
        try (Stream<Path> left = Files.walk(dir.resolve("work").resolve("data"))) {
            assertThat(left.filter(Files::isRegularFile).toList()).as("input files left after the request").isEmpty();
        }
    }

    @Test
    void shouldRunASeriesAsOneRequest() throws Exception {
        MdaiModel model = load(spec(TestPackages.zip("series-stats", dir, Map.of()), TestPackages.seriesLabels(), 1));
        Path series = DICOM.resolve("dicomdirtests/98892003/MR700");
        List<Path> files;
        try (Stream<Path> s = Files.list(series)) {
            files = s.sorted().toList();
        }
        ModelRequest r = request(TestPackages.seriesLabels(), Map.of(), files.toArray(Path[]::new));
        List<ModelOutput> outputs = success(model.run(List.of(r), TIMEOUT).get(0));
        new OutputValidator(r, r.files().get(0).studyUid()).validate(outputs);
        IntensityReference.Series e = IntensityReference.series(files);
        assertThat(outputs).hasSize(2);
        assertThat(outputs.get(0).classIndex()).isEqualTo(0);
        assertThat(outputs.get(0).instanceUid()).isNull();
        assertThat(outputs.get(0).seriesUid()).isEqualTo(r.files().get(0).seriesUid());
        assertThat(outputs.get(0).probability()).isEqualTo(e.fractionAboveMean());
        assertThat(outputs.get(0).note()).isEqualTo("instances=" + files.size());
        assertThat(outputs.get(1).instanceUid()).isEqualTo(r.files().get(e.peakFile()).instanceUid());
        assertThat(outputs.get(1).data()).isEqualTo(new PointData(e.peakX(), e.peakY()));
    }

    // --- load failures ----------------------------------------------------------------------------

    /** Loads a package that must fail, and checks the failed load left no data directory behind. */
    private RadflowException loadFailure(Path zip) throws IOException {
        ModelSpec spec = spec(zip, TestPackages.faultyLabels(), 1);
        RadflowException e = (RadflowException) org.assertj.core.api.Assertions.catchThrowable(() -> load(spec));
        Path data = dir.resolve("work").resolve("data");
        if (Files.exists(data)) { // absent when the load failed before its process was started
            try (Stream<Path> left = Files.walk(data)) {
                assertThat(left.filter(p -> p.getFileName().toString().startsWith(spec.key().modelId())))
                        .as("data directories left by the failed load").isEmpty();
            }
        }
        return e;
    }

    @Test
    void shouldRefuseAPackageWithoutMdaiDeploy() throws Exception {
        RadflowException e = loadFailure(TestPackages.zip("no-deploy", dir, Map.of()));
        assertThat(e.reason()).isEqualTo(Reason.MODEL_LOAD_FAILED);
        assertThat(e.getMessage()).contains("no .mdai/mdai_deploy.py");
    }

    @Test
    void shouldRefuseAPackageWithoutMdaiModel() throws Exception {
        RadflowException e = loadFailure(TestPackages.zip("no-class", dir, Map.of()));
        assertThat(e.reason()).isEqualTo(Reason.MODEL_LOAD_FAILED);
        assertThat(e.getMessage()).contains("defines no class MDAIModel");
    }

    @Test
    void shouldReportAnImportErrorWithItsTraceback() throws Exception {
        RadflowException e = loadFailure(TestPackages.zip("import-error", dir, Map.of()));
        assertThat(e.reason()).isEqualTo(Reason.MODEL_LOAD_FAILED);
        assertThat(e.getMessage()).contains("(import)", "No module named 'radflow_module_that_does_not_exist'",
                "Traceback (most recent call last)", "mdai_deploy.py\", line 2");
    }

    @Test
    void shouldNameTheRequirementPipCannotInstall() throws Exception {
        RadflowException e = loadFailure(TestPackages.zip("missing-requirement", dir, Map.of()));
        assertThat(e.reason()).isEqualTo(Reason.MODEL_LOAD_FAILED);
        assertThat(e.getMessage()).contains("cannot install requirement 'numpy>=99.0' of requirements.txt from wheelhouse ",
                "No matching distribution found for numpy>=99.0");
    }

    @Test
    void shouldAlsoCheckRequirementsKeptInTheMdaiFolder() throws Exception {
        RadflowException e = loadFailure(TestPackages.zip("intensity", dir, Map.of(".mdai/requirements.txt",
                "# as in MD.ai's examples\nradflow-missing-too>=2\n")));
        assertThat(e.reason()).isEqualTo(Reason.MODEL_LOAD_FAILED);
        assertThat(e.getMessage()).contains("cannot install requirement 'radflow-missing-too>=2' of requirements.txt and "
                + ".mdai/requirements.txt");
    }

    @Test
    void shouldReportAnExceptionInMdaiModelInit() throws Exception {
        RadflowException e = loadFailure(TestPackages.zip("init-error", dir, Map.of()));
        assertThat(e.reason()).isEqualTo(Reason.MODEL_LOAD_FAILED);
        assertThat(e.getMessage()).contains("(init)", "FileNotFoundError", "weights.pth");
    }

    @Test
    void shouldRefuseAZipThatWritesOutsideItsDirectory() throws Exception {
        RadflowException e = loadFailure(TestPackages.zip("intensity", dir, Map.of("../../escaped.py", "print('pwned')")));
        assertThat(e.reason()).isEqualTo(Reason.MODEL_LOAD_FAILED);
        assertThat(e.getMessage()).contains("outside its directory", "../../escaped.py");
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.filter(p -> p.getFileName().toString().equals("escaped.py")).toList()).isEmpty();
        }
    }

    @Test
    void shouldRefuseAnArtifactThatIsNotAZip() throws Exception {
        Path notZip = Files.writeString(dir.resolve("model.zip"), "this is not a zip");
        RadflowException e = loadFailure(notZip);
        assertThat(e.reason()).isEqualTo(Reason.MODEL_LOAD_FAILED);
        assertThat(e.getMessage()).contains("not a zip archive");
    }

    // --- model failures ---------------------------------------------------------------------------

    private ItemResult runFault(MdaiModel model, String fault, Duration timeout) throws IOException {
        return model.run(List.of(request(TestPackages.faultyLabels(), Map.of("fault", fault, "marker_dir", dir.toString()),
                DICOM.resolve("CT_small.dcm"))), timeout).get(0);
    }

    private static void assertWorks(MdaiModel model, Path dir) throws IOException {
        List<ModelOutput> outputs = success(model.run(List.of(request(TestPackages.faultyLabels(), Map.of("fault", "none"),
                DICOM.resolve("MR_small.dcm"))), TIMEOUT).get(0));
        assertThat(outputs).hasSize(1);
        assertThat(outputs.get(0).note()).isEqualTo("pid=" + model.pid());
    }

    @Test
    void shouldKeepTheProtocolIntactWhenTheModelPrints() throws Exception {
        MdaiModel model = faulty(1);
        assertThat(success(runFault(model, "print", TIMEOUT))).hasSize(1);
        assertWorks(model, dir);
    }

    @Test
    void shouldReportAnExceptionInPredictWithItsTraceback() throws Exception {
        MdaiModel model = faulty(1);
        ItemResult.Failure f = failure(runFault(model, "raise", TIMEOUT));
        assertThat(f.reason()).isEqualTo(Reason.MODEL_ERROR);
        assertThat(f.message()).contains("ValueError: the model cannot read this study", "Traceback", "in predict");
        assertWorks(model, dir);
    }

    @Test
    void shouldTreatSysExitAsAModelError() throws Exception {
        MdaiModel model = faulty(1);
        long pid = model.pid();
        ItemResult.Failure f = failure(runFault(model, "exit", TIMEOUT));
        assertThat(f.reason()).isEqualTo(Reason.MODEL_ERROR);
        assertThat(f.message()).contains("sys.exit(3)");
        assertWorks(model, dir);
        assertThat(model.pid()).as("the process survived sys.exit").isEqualTo(pid);
    }

    @Test
    void shouldRestartTheProcessAfterACrash() throws Exception {
        MdaiModel model = faulty(1);
        long pid = model.pid();
        ItemResult.Failure f = failure(runFault(model, "crash", TIMEOUT));
        assertThat(f.reason()).isEqualTo(Reason.RUNTIME_CRASHED);
        assertThat(f.message()).contains("pid " + pid, "exit code 7");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(model.healthy()).isTrue();
        assertWorks(model, dir);
        assertThat(model.pid()).isNotEqualTo(pid);
    }

    @Test
    void shouldKillAndRestartAModelPastItsTimeout() throws Exception {
        MdaiModel model = faulty(1);
        long pid = model.pid();
        ItemResult.Failure f = failure(runFault(model, "hang", Duration.ofSeconds(2)));
        assertThat(f.reason()).isEqualTo(Reason.MODEL_TIMEOUT);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertWorks(model, dir);
        assertThat(model.pid()).isNotEqualTo(pid);
    }

    @Test
    void shouldRejectOutputsThatFailMdaisChecks() throws Exception {
        MdaiModel model = faulty(1);
        Map<String, String> expected = Map.of(
                "not_a_list", "predict must return a list of outputs, got dict",
                "wrong_type", "'class_index' must be int, got str '0'",
                "numpy_float", "'probability' must be float or list or None, got numpy.float32",
                "unknown_data", "fits no known shape",
                "huge_frame", "'frame_number' must be int or None, got int 9223372036854775808 (outside the 32-bit range");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            ItemResult.Failure f = failure(runFault(model, e.getKey(), TIMEOUT));
            assertThat(f.reason()).as(e.getKey()).isEqualTo(Reason.INVALID_OUTPUT);
            assertThat(f.message()).as(e.getKey()).contains(e.getValue());
        }
        assertWorks(model, dir);
    }

    @Test
    void shouldSeeACrashAtOnceEvenWhenAForkedChildOutlivesTheProcess() throws Exception {
        MdaiModel model = faulty(1);
        long t0 = System.nanoTime();
        ItemResult.Failure f = failure(runFault(model, "fork_then_crash", Duration.ofSeconds(20)));
        assertThat(f.reason()).as(f.message()).isEqualTo(Reason.RUNTIME_CRASHED);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("no wait for the timeout").isLessThan(Duration.ofSeconds(15));
        assertWorks(model, dir);
    }

    @Test
    void shouldQuoteStderrCutToALineLengthWhenTheProcessDies() throws Exception {
        MdaiModel model = faulty(1);
        ItemResult.Failure f = failure(runFault(model, "shout_then_crash", TIMEOUT));
        assertThat(f.reason()).isEqualTo(Reason.RUNTIME_CRASHED);
        // A megabyte without a newline is quoted as its first STDERR_LINE_CHARS characters.
        assertThat(f.message()).contains("y".repeat(RunnerProcess.STDERR_LINE_CHARS) + " ...(cut)")
                .doesNotContain("y".repeat(RunnerProcess.STDERR_LINE_CHARS + 1));
        assertWorks(model, dir);
    }

    @Test
    void shouldNotCountWaitingForAnotherThreadsBatchAgainstTheTimeout() throws Exception {
        MdaiModel model = faulty(1);
        Duration timeout = Duration.ofMillis(2500);
        ModelRequest slow = request(TestPackages.faultyLabels(), Map.of("fault", "slow", "seconds", "1.5"), DICOM.resolve("CT_small.dcm"));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            // Two batches of 1.5 s each on one process: the second waits 1.5 s for the lock, then runs 1.5 s.
            var first = pool.submit(() -> model.run(List.of(slow), timeout));
            var second = pool.submit(() -> model.run(List.of(slow), timeout));
            assertThat(success(first.get().get(0))).hasSize(1);
            assertThat(success(second.get().get(0))).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldGiveEachGroupOnlyItsOwnJobsAnnotations() throws Exception {
        MdaiModel model = faulty(4);
        Map<String, String> args = Map.of("fault", "count_annotations");
        ModelOutput roi = new ModelOutput(OutputType.ANNOTATION, "1.2.3", "1.2.3.4", "1.2.3.4.5", null, 0, null, null, null,
                null, null, null);
        ModelRequest withRoi = new ModelRequest("job-a", List.of(file(DICOM.resolve("CT_small.dcm"))), List.of(roi),
                TestPackages.faultyLabels(), args);
        ModelRequest without = request(TestPackages.faultyLabels(), args, DICOM.resolve("MR_small.dcm"));

        List<ItemResult> results = model.run(List.of(withRoi, without), TIMEOUT);

        assertThat(success(results.get(0)).get(0).note()).isEqualTo("annotations=1.2.3.4.5");
        assertThat(success(results.get(1)).get(0).note()).as("another study's ROI is not this job's").isEqualTo("annotations=");
    }

    @Test
    void shouldFailOnlyTheBadJobOfABatch() throws Exception {
        MdaiModel model = faulty(4);
        for (String fault : List.of("raise", "crash")) {
            List<ModelRequest> batch = List.of(
                    request(TestPackages.faultyLabels(), Map.of("fault", "none"), DICOM.resolve("CT_small.dcm")),
                    request(TestPackages.faultyLabels(), Map.of("fault", fault), DICOM.resolve("MR_small.dcm")),
                    request(TestPackages.faultyLabels(), Map.of("fault", "none"), DICOM.resolve("rtdose.dcm")));
            List<ItemResult> results = model.run(batch, TIMEOUT);
            assertThat(success(results.get(0))).hasSize(1);
            assertThat(failure(results.get(1)).reason()).isEqualTo(fault.equals("raise") ? Reason.MODEL_ERROR : Reason.RUNTIME_CRASHED);
            assertThat(success(results.get(2))).hasSize(1);
        }
    }

    @Test
    void shouldKillAProcessStillRunningACallWhenTheRuntimeCloses() throws Exception {
        MdaiModel model = faulty(1);
        long pid = model.pid();
        CompletableFuture<ItemResult> call = CompletableFuture.supplyAsync(() -> {
            try {
                return runFault(model, "hang", Duration.ofMinutes(10));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        // The hanging call is under way once the package has written its marker.
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(dir.resolve("hang.started")));

        runtime.close();

        // SIGKILL is sent at once; the process is gone a moment later.
        await().atMost(Duration.ofSeconds(5)).until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertThat(failure(call.get(20, TimeUnit.SECONDS)).reason()).isEqualTo(Reason.RUNTIME_CRASHED);
    }

    @Test
    void shouldStopThePythonProcessOnClose() throws Exception {
        MdaiModel model = faulty(1);
        long pid = model.pid();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isTrue();
        model.close();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(model.healthy()).isFalse();
        assertThatThrownBy(() -> success(runFault(model, "none", TIMEOUT))).isInstanceOf(AssertionError.class);
    }
}
