package io.radflow.worker.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.dicom.DicomAttributes;
import io.radflow.dicom.DicomReader;
import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.HttpEndpoint;
import io.radflow.schemas.avro.InputType;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
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
import io.radflow.worker.runtime.OutputData.PointData;
import io.radflow.worker.runtime.OutputData.VerticesData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP runtime against a real V7-style model server (Python, PIL, numpy) in another process:
 * outputs against an independent reference, label mapping, retries and every failure class.
 */
class HttpModelRuntimeTest {

    static final Path DICOM = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    static V7Server server;

    private HttpModelRuntime runtime;
    private final List<LoadedModel> loaded = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        server = V7Server.start(dir);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void start() throws IOException {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("v7-token"), "Bearer s3cret\n");
        runtime = new HttpModelRuntime(new HttpModelConfig.Settings(Duration.ofSeconds(5), 2, Duration.ofMillis(50), 4, secrets),
                TestDicomImages.shared());
    }

    @AfterEach
    void stop() {
        loaded.forEach(LoadedModel::close);
        runtime.close();
    }

    static ModelSpec spec(String url, List<LabelClass> labels, int timeoutMs, String secret) {
        return new ModelSpec(new ModelKey("http-" + UUID.randomUUID().toString().substring(0, 6), 1), RuntimeKind.HTTP, Device.CPU,
                Scope.INSTANCE, InputType.DICOM, null, null, new HttpEndpoint(url, timeoutMs, secret), labels, Map.of(), 4);
    }

    private LoadedModel load(String mode) {
        LoadedModel m = runtime.load(spec(server.url(mode), V7Server.labels(), 5_000, mode.equals("auth") ? "v7-token" : null));
        loaded.add(m);
        return m;
    }

    static ModelRequest request(Path... files) throws IOException {
        List<ModelFile> fs = new ArrayList<>();
        for (Path p : files) {
            byte[] bytes = Files.readAllBytes(p);
            DicomAttributes a = DicomReader.headerOnly().read(p).attributes();
            fs.add(new ModelFile(a.studyInstanceUid(), a.seriesInstanceUid(), a.sopInstanceUid(), "application/dicom", bytes,
                    TestDicomImages.shared().geometry(bytes)));
        }
        return new ModelRequest("job-" + UUID.randomUUID(), fs, List.of(), V7Server.labels(), Map.of());
    }

    /** Checks a request's outputs field by field against {@link PngReference}. */
    static void assertMatchesReference(ModelRequest r, List<ModelOutput> outputs) {
        new OutputValidator(r, r.files().get(0).studyUid()).validate(outputs);
        List<ModelOutput> expected = new ArrayList<>();
        for (ModelFile f : r.files()) {
            Path p = null;
            for (String name : List.of("CT_small.dcm", "MR_small.dcm", "rtdose.dcm")) {
                if (f.content().length == DICOM.resolve(name).toFile().length()) {
                    p = DICOM.resolve(name);
                }
            }
            for (PngReference.Frame e : PngReference.frames(p)) {
                expected.add(ModelOutput.annotation(f.studyUid(), f.seriesUid(), f.instanceUid(), e.frameNumber(), 0, null,
                        e.brightFraction(), null));
                if (e.w() > 0) {
                    expected.add(ModelOutput.annotation(f.studyUid(), f.seriesUid(), f.instanceUid(), e.frameNumber(), 1,
                            new BoxData(e.x(), e.y(), e.w(), e.h()), 1.0, null));
                    int x1 = e.x() + e.w();
                    int y1 = e.y() + e.h();
                    expected.add(ModelOutput.annotation(f.studyUid(), f.seriesUid(), f.instanceUid(), e.frameNumber(), 2,
                            new VerticesData(List.of(new PointData(e.x(), e.y()), new PointData(x1, e.y()), new PointData(x1, y1),
                                    new PointData(e.x(), y1))), 1.0, null));
                }
                expected.add(ModelOutput.annotation(f.studyUid(), f.seriesUid(), f.instanceUid(), e.frameNumber(), 3,
                        new PointData(e.peakX(), e.peakY()), null, null));
            }
        }
        assertThat(outputs).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(expected);
    }

    private static List<ModelOutput> success(ItemResult r) {
        assertThat(r).isInstanceOf(ItemResult.Success.class);
        return ((ItemResult.Success) r).outputs();
    }

    private static ItemResult.Failure failure(ItemResult r) {
        assertThat(r).isInstanceOf(ItemResult.Failure.class);
        return (ItemResult.Failure) r;
    }

    @Test
    void shouldMapTheModelsResultsToTheVersionsLabelsFieldByField() throws Exception {
        LoadedModel model = load("good");
        List<ModelRequest> batch = List.of(request(DICOM.resolve("CT_small.dcm")), request(DICOM.resolve("MR_small.dcm")),
                request(DICOM.resolve("rtdose.dcm")));
        List<ItemResult> results = model.run(batch, TIMEOUT);
        for (int i = 0; i < batch.size(); i++) {
            assertMatchesReference(batch.get(i), success(results.get(i)));
        }
        assertThat(success(results.get(2))).extracting(ModelOutput::frameNumber).as("one image per frame of rtdose").contains(0, 1);
    }

    @Test
    void shouldSendTheSecretTheVersionNames() throws Exception {
        LoadedModel model = load("auth");
        ModelRequest r = request(DICOM.resolve("CT_small.dcm"));
        assertMatchesReference(r, success(model.run(List.of(r), TIMEOUT).get(0)));
        RadflowException e = catchThrowableOfType(() -> runtime.load(spec(server.url("auth"), V7Server.labels(), 5_000, null)),
                RadflowException.class);
        assertThat(e.reason()).isEqualTo(Reason.MODEL_ERROR);
        assertThat(e.getMessage()).contains("HTTP 401", "worker.http.secrets.dir");
    }

    @Test
    void shouldRetryFiveHundredsAndSucceed() throws Exception {
        LoadedModel model = load("flaky");
        ModelRequest r = request(DICOM.resolve("MR_small.dcm"));
        assertMatchesReference(r, success(model.run(List.of(r), TIMEOUT).get(0)));
        assertThat(server.inferCount("flaky")).isEqualTo(3);
    }

    @Test
    void shouldFailEveryBadAnswerWithItsReason() throws Exception {
        Map<String, Object[]> cases = Map.of(
                "error500", new Object[] {Reason.MODEL_ERROR, "answered HTTP 500 after 3 tries: Traceback (most recent call last): model exploded"},
                "garbage", new Object[] {Reason.INVALID_OUTPUT, "not JSON"},
                "failed", new Object[] {Reason.MODEL_ERROR, "status failed: model could not process the image"},
                "empty", new Object[] {Reason.INVALID_OUTPUT, "the answer is empty"},
                "stranger", new Object[] {Reason.INVALID_OUTPUT, "class dragon, which the model did not list"},
                "close", new Object[] {Reason.RUNTIME_UNAVAILABLE, "connection failed"},
                "hang", new Object[] {Reason.MODEL_TIMEOUT, "no answer within"});
        for (Map.Entry<String, Object[]> c : cases.entrySet()) {
            LoadedModel model = runtime.load(spec(server.url(c.getKey()), V7Server.labels(), 1_500, null));
            loaded.add(model);
            ModelRequest good = request(DICOM.resolve("CT_small.dcm"));
            ItemResult.Failure f = failure(model.run(List.of(good), TIMEOUT).get(0));
            assertThat(f.reason()).as(c.getKey()).isEqualTo(c.getValue()[0]);
            assertThat(f.message()).as(c.getKey()).contains((String) c.getValue()[1]);
        }
        assertThat(server.inferCount("error500")).as("500 is tried 1 + worker.http.retries times").isEqualTo(3);
        assertThat(server.inferCount("hang")).as("a timeout is not retried").isEqualTo(1);
        LoadedModel good = load("good");
        ModelRequest r = request(DICOM.resolve("CT_small.dcm"));
        assertMatchesReference(r, success(good.run(List.of(r), TIMEOUT).get(0)));
    }

    @Test
    void shouldTimeOutAModelThatStallsInTheMiddleOfItsAnswer() throws Exception {
        LoadedModel model = runtime.load(spec(server.url("stall"), V7Server.labels(), 1_500, null));
        loaded.add(model);
        long t0 = System.nanoTime();
        ItemResult.Failure f = failure(model.run(List.of(request(DICOM.resolve("CT_small.dcm"))), Duration.ofSeconds(60)).get(0));
        assertThat(f.reason()).isEqualTo(Reason.MODEL_TIMEOUT);
        assertThat(f.message()).contains("no answer within 1500 ms");
        // The version's 1.5 s, not the batch's 60 s: the body counts too.
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void shouldRefuseVersionsWhoseLabelsTheModelDoesNotOffer() {
        List<LabelClass> missing = List.of(LabelClass.newBuilder().setClassIndex(0).setLabelId("L_x").setName("tumour")
                .setType(LabelType.GLOBAL).setScope(Scope.INSTANCE).build());
        RadflowException e = catchThrowableOfType(() -> runtime.load(spec(server.url("good"), missing, 5_000, null)), RadflowException.class);
        assertThat(e.reason()).isEqualTo(Reason.MODEL_LOAD_FAILED);
        assertThat(e.getMessage()).contains("label L_x (tumour)", "not a class of the model", "[bright, region, outline, peak, unused]");

        List<LabelClass> wrongKind = List.of(LabelClass.newBuilder().setClassIndex(0).setLabelId("L_r").setName("region")
                .setType(LabelType.LOCAL).setScope(Scope.INSTANCE).setAnnotationMode(AnnotationMode.MASK).build());
        e = catchThrowableOfType(() -> runtime.load(spec(server.url("good"), wrongKind, 5_000, null)), RadflowException.class);
        assertThat(e.reason()).isEqualTo(Reason.MODEL_LOAD_FAILED);
        assertThat(e.getMessage()).contains("the class is a bounding_box and the label is LOCAL MASK");
    }

    @Test
    void shouldReportAnUnreachableModelAsUnavailable() {
        RadflowException e = catchThrowableOfType(() -> runtime.load(spec("http://127.0.0.1:1/nothing", V7Server.labels(), 2_000, null)),
                RadflowException.class);
        assertThat(e.reason()).isEqualTo(Reason.RUNTIME_UNAVAILABLE);
        assertThat(e.getMessage()).contains("GET http://127.0.0.1:1/nothing/api/classes", "after 3 tries");
    }
}
