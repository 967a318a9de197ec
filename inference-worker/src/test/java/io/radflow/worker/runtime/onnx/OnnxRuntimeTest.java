package io.radflow.worker.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.InputType;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import io.radflow.worker.ExpectedOutputs;
import io.radflow.worker.TestModels;
import io.radflow.worker.preprocess.DicomImages;
import io.radflow.worker.preprocess.TestDicomImages;
import io.radflow.worker.runtime.ItemResult;
import io.radflow.worker.runtime.LoadedModel;
import io.radflow.worker.runtime.ModelFile;
import io.radflow.worker.runtime.ModelKey;
import io.radflow.worker.runtime.ModelRequest;
import io.radflow.worker.runtime.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ONNX runtime on the committed models and pydicom's files, against the numpy expectations. */
class OnnxRuntimeTest {

    private static final DicomImages DICOM = TestDicomImages.shared();
    private static OnnxRuntime runtime;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        runtime = new OnnxRuntime(new OnnxSettings(Device.CPU, 0, 1), DICOM);
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    static ModelSpec spec(String model, List<LabelClass> labels, int maxBatch) throws Exception {
        Path file = TestModels.model(model, dir);
        return new ModelSpec(new ModelKey(model, 1), RuntimeKind.ONNX, Device.CPU, Scope.INSTANCE, InputType.DICOM, file,
                TestModels.sha256(Files.readAllBytes(file)), null, labels, Map.of(), maxBatch);
    }

    static ModelRequest request(String jobId, Path dicom, List<LabelClass> labels, Map<String, String> args) throws Exception {
        byte[] bytes = Files.readAllBytes(dicom);
        var attrs = io.radflow.dicom.DicomReader.headerOnly().read(bytes).attributes();
        ModelFile f = new ModelFile(attrs.studyInstanceUid(), attrs.seriesInstanceUid(), attrs.sopInstanceUid(),
                "application/dicom", bytes, DICOM.geometry(bytes));
        return new ModelRequest(jobId, List.of(f), List.of(), labels, args);
    }

    private static List<ModelRequest> requestsForAllFiles(String model, List<LabelClass> labels) throws Exception {
        List<ModelRequest> requests = new ArrayList<>();
        for (String f : TestModels.FILES) {
            requests.add(request("job-" + f, TestModels.dicom(f), labels, TestModels.args(model)));
        }
        return requests;
    }

    @Test
    void shouldClassifyEveryFileAsTheNumpyReferenceDoes() throws Exception {
        try (LoadedModel model = runtime.load(spec("classifier.onnx", TestModels.classifierLabels(), 16))) {
            List<ItemResult> results = model.run(requestsForAllFiles("classifier", TestModels.classifierLabels()), Duration.ofMinutes(1));
            for (int i = 0; i < TestModels.FILES.size(); i++) {
                assertThat(results.get(i)).isInstanceOf(ItemResult.Success.class);
                ExpectedOutputs.assertOutputs("classifier", TestModels.FILES.get(i), ((ItemResult.Success) results.get(i)).outputs());
            }
            assertThat(model.device()).isEqualTo(Device.CPU);
        }
    }

    @Test
    void shouldGiveTheSameResultsOneFrameAtATime() throws Exception {
        try (LoadedModel model = runtime.load(spec("classifier.onnx", TestModels.classifierLabels(), 1))) {
            List<ItemResult> results = model.run(requestsForAllFiles("classifier", TestModels.classifierLabels()), Duration.ofMinutes(1));
            for (int i = 0; i < TestModels.FILES.size(); i++) {
                ExpectedOutputs.assertOutputs("classifier", TestModels.FILES.get(i), ((ItemResult.Success) results.get(i)).outputs());
            }
        }
    }

    @Test
    void shouldSegmentIntoMasksAndBoxesAsTheNumpyReferenceDoes() throws Exception {
        try (LoadedModel model = runtime.load(spec("segmenter.onnx", TestModels.segmenterLabels(), 8))) {
            List<ItemResult> results = model.run(requestsForAllFiles("segmenter", TestModels.segmenterLabels()), Duration.ofMinutes(1));
            for (int i = 0; i < TestModels.FILES.size(); i++) {
                assertThat(results.get(i)).isInstanceOf(ItemResult.Success.class);
                ExpectedOutputs.assertOutputs("segmenter", TestModels.FILES.get(i), ((ItemResult.Success) results.get(i)).outputs());
            }
        }
    }

    @Test
    void shouldFailOnlyTheUndecodableFileOfABatch() throws Exception {
        try (LoadedModel model = runtime.load(spec("classifier.onnx", TestModels.classifierLabels(), 16))) {
            ModelRequest good = request("good", TestModels.dicom("CT_small.dcm"), TestModels.classifierLabels(), Map.of());
            // Compressed pixel data decodes (MR_small in RLE and JPEG-LS)...
            ModelRequest rle = request("rle", TestModels.DICOM_DIR.resolve("MR_small_RLE.dcm"), TestModels.classifierLabels(), Map.of());
            // ...but not in a syntax no codec here decodes: JPEG-LS bytes declared as retired JPEG process 3 & 5
            // (a UID of the same length, so the file stays well formed).
            Path undecodable = dir.resolve("jpeg-process-3-5.dcm");
            Files.write(undecodable, replaceFirst(Files.readAllBytes(TestModels.DICOM_DIR.resolve("MR_small_jpeg_ls_lossless.dcm")),
                    "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.52"));
            ModelRequest bad = request("bad", undecodable, TestModels.classifierLabels(), Map.of());
            List<ItemResult> results = model.run(List.of(good, bad, rle, good), Duration.ofMinutes(1));
            assertThat(results.get(0)).isInstanceOf(ItemResult.Success.class);
            assertThat(results.get(2)).isInstanceOf(ItemResult.Success.class);
            assertThat(results.get(3)).isInstanceOf(ItemResult.Success.class);
            assertThat(results.get(1)).isInstanceOfSatisfying(ItemResult.Failure.class, f -> {
                assertThat(f.reason()).isEqualTo(Reason.UNSUPPORTED_TRANSFER_SYNTAX);
                assertThat(f.message()).contains("1.2.840.10008.1.2.4.52");
            });
        }
    }

    private static byte[] replaceFirst(byte[] bytes, String from, String to) {
        byte[] f = from.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i + f.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(to.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, bytes, i, f.length);
                return bytes;
            }
        }
        throw new IllegalArgumentException(from + " not found");
    }

    @Test
    void shouldReportAModelThatFailsAtRunTimeAsModelErrorForEachItem() throws Exception {
        try (LoadedModel model = runtime.load(spec("failing.onnx", TestModels.classifierLabels(), 4))) {
            ModelRequest r = request("j", TestModels.dicom("CT_small.dcm"), TestModels.classifierLabels(), Map.of());
            List<ItemResult> results = model.run(List.of(r, r), Duration.ofMinutes(1));
            assertThat(results).allSatisfy(res -> assertThat(res).isInstanceOfSatisfying(ItemResult.Failure.class, f -> {
                assertThat(f.reason()).isEqualTo(Reason.MODEL_ERROR);
                assertThat(f.message()).contains("Reshape");
            }));
        }
    }

    @Test
    void shouldStopARunPastItsDeadlineAsModelTimeout() throws Exception {
        try (LoadedModel model = runtime.load(spec("classifier.onnx", TestModels.classifierLabels(), 16))) {
            ModelRequest r = request("j", TestModels.dicom("rtdose.dcm"), TestModels.classifierLabels(), Map.of());
            List<ItemResult> results = model.run(List.of(r), Duration.ofNanos(1));
            assertThat(results.get(0)).isInstanceOfSatisfying(ItemResult.Failure.class, f -> {
                assertThat(f.reason()).isEqualTo(Reason.MODEL_TIMEOUT);
                assertThat(f.reason().retriable()).isTrue();
            });
        }
    }

    @Test
    void shouldRefuseAFileThatIsNotAModel() throws Exception {
        Path notAModel = Files.writeString(dir.resolve("not-a-model.onnx"), "this is not protobuf");
        ModelSpec s = new ModelSpec(new ModelKey("x", 1), RuntimeKind.ONNX, Device.CPU, Scope.INSTANCE, InputType.DICOM, notAModel,
                "00", null, List.of(), Map.of(), 1);
        assertThatThrownBy(() -> runtime.load(s)).isInstanceOfSatisfying(RadflowException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.MODEL_LOAD_FAILED));
    }

    @Test
    void shouldFallBackToCpuWithAClearReasonWhenCudaIsMissing() throws Exception {
        OnnxRuntime gpu = new OnnxRuntime(new OnnxSettings(Device.GPU, 0, 1), DICOM);
        try (LoadedModel model = gpu.load(spec("segmenter.onnx", TestModels.segmenterLabels(), 1))) {
            // This build carries the CPU artifact: no CUDA provider, so the session runs on the CPU.
            assertThat(OnnxRuntime.availableProviders()).doesNotContain(ai.onnxruntime.OrtProvider.CUDA);
            assertThat(model.device()).isEqualTo(Device.CPU);
        } finally {
            gpu.close();
        }
    }
}
