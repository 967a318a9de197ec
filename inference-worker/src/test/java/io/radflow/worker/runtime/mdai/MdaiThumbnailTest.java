package io.radflow.worker.runtime.mdai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.InputType;
import io.radflow.worker.postprocess.OutputValidator;
import io.radflow.worker.preprocess.TestDicomImages;
import io.radflow.worker.runtime.ItemResult;
import io.radflow.worker.runtime.LoadedModel;
import io.radflow.worker.runtime.ModelFile;
import io.radflow.worker.runtime.ModelOutput;
import io.radflow.worker.runtime.ModelRequest;
import io.radflow.worker.runtime.ModelSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MD.ai's thumbnail input with a real package in real Python (PIL reads what it gets): every frame
 * as a JPEG or PNG rendered by the worker's frame renderer, with {@code content_type} and the
 * file's {@code dicom_tags}.
 */
class MdaiThumbnailTest {

    @TempDir
    Path dir;

    private MdaiRuntime runtime;
    private final List<LoadedModel> loaded = new ArrayList<>();

    @BeforeEach
    void start() {
        runtime = new MdaiRuntime(new MdaiSettings("/usr/bin/python3", dir.resolve("work"), 64L << 20, Duration.ofSeconds(60),
                1L << 30, Device.CPU, 0), TestDicomImages.shared());
    }

    @AfterEach
    void stop() {
        loaded.forEach(LoadedModel::close);
        runtime.close();
    }

    private LoadedModel load(String config, InputType inputType) throws Exception {
        Path zip = TestPackages.zip("faulty", "thumbs-" + loaded.size(), dir, Map.of(".mdai/config.yaml", config,
                ".mdai/mdai_deploy.py", TestPackages.THUMBNAIL_MODEL, "requirements.txt", "Pillow\n"));
        ModelSpec s = MdaiRuntimeTest.spec(zip, TestPackages.faultyLabels(), 1);
        ModelSpec spec = new ModelSpec(s.key(), s.runtime(), s.device(), s.scope(), inputType, s.artifactFile(), s.artifactSha256(),
                null, s.labelClasses(), Map.of(), 1);
        LoadedModel m = runtime.load(spec);
        loaded.add(m);
        return m;
    }

    private static List<ModelOutput> run(LoadedModel model, Map<String, String> args, String file) throws Exception {
        ModelRequest request = MdaiRuntimeTest.request(TestPackages.faultyLabels(), args, MdaiRuntimeTest.DICOM.resolve(file));
        ItemResult r = model.run(List.of(request), Duration.ofSeconds(60)).get(0);
        assertThat(r).isInstanceOf(ItemResult.Success.class);
        List<ModelOutput> outputs = ((ItemResult.Success) r).outputs();
        new OutputValidator(request, request.files().get(0).studyUid()).validate(outputs);
        return outputs;
    }

    @Test
    void shouldSendEachFrameAsAJpegWithItsDicomTagsWhenConfigSaysThumbnail() throws Exception {
        LoadedModel model = load("file_type: thumbnail\n", InputType.DICOM);
        List<ModelOutput> outputs = run(model, Map.of(), "CT_small.dcm");
        ModelFile f = MdaiRuntimeTest.file(MdaiRuntimeTest.DICOM.resolve("CT_small.dcm"));
        assertThat(outputs).hasSize(1);
        assertThat(outputs.get(0).instanceUid()).isEqualTo(f.instanceUid());
        assertThat(outputs.get(0).frameNumber()).isNull();
        assertThat(outputs.get(0).note()).isEqualTo("image/jpeg JPEG 128x128 L CT rows=128 MEMORY");
    }

    @Test
    void shouldSendEveryFrameOfAMultiFrameFileAsAPngWhenTheVersionTakesThumbnails() throws Exception {
        LoadedModel model = load("device_type: cpu\n", InputType.THUMBNAIL);
        Path rtdose = MdaiRuntimeTest.DICOM.resolve("rtdose.dcm");
        ModelFile f = MdaiRuntimeTest.file(rtdose);
        List<ModelOutput> outputs = run(model, Map.of(MdaiThumbnails.FORMAT_ARG, "png"), "rtdose.dcm");
        assertThat(f.geometry().multiFrame()).isTrue();
        assertThat(outputs).hasSize(f.geometry().frames());
        for (int k = 0; k < outputs.size(); k++) {
            assertThat(outputs.get(k).frameNumber()).isEqualTo(k);
            assertThat(outputs.get(k).note()).isEqualTo("image/png PNG " + f.geometry().columns() + "x" + f.geometry().rows()
                    + " L RTDOSE rows=" + f.geometry().rows() + " MEMORY");
        }
    }

    @Test
    void shouldRefuseAnUnknownThumbnailFormatAndAnUnknownFileType() throws Exception {
        LoadedModel model = load("file_type: thumbnail\n", InputType.DICOM);
        ModelRequest request = MdaiRuntimeTest.request(TestPackages.faultyLabels(), Map.of(MdaiThumbnails.FORMAT_ARG, "gif"),
                MdaiRuntimeTest.DICOM.resolve("CT_small.dcm"));
        ItemResult r = model.run(List.of(request), Duration.ofSeconds(60)).get(0);
        assertThat(r).isInstanceOf(ItemResult.Failure.class);
        assertThat(((ItemResult.Failure) r).reason()).isEqualTo(Reason.MALFORMED_EVENT);
        assertThat(((ItemResult.Failure) r).message()).contains("thumbnail.format must be jpeg or png, got 'gif'");

        Throwable e = catchThrowable(() -> load("file_type: video\n", InputType.DICOM));
        assertThat(e).isInstanceOf(RadflowException.class);
        assertThat(((RadflowException) e).reason()).isEqualTo(Reason.MODEL_LOAD_FAILED);
        assertThat(e.getMessage()).contains("takes file_type video");
    }
}
