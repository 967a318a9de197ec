package io.radflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.schemas.avro.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The committed test models (built by src/test/python/make_models.py), their expected outputs
 * (computed there with numpy), the label classes the expectations assume, and pydicom's sample
 * DICOM files they were computed on.
 */
public final class TestModels {

    public static final Path DICOM_DIR = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
    public static final List<String> FILES = List.of("CT_small.dcm", "MR_small.dcm", "rtdose.dcm");

    private static JsonNode expected;

    private TestModels() {
    }

    public static synchronized JsonNode expected() {
        if (expected == null) {
            try (InputStream in = TestModels.class.getResourceAsStream("/models/expected.json")) {
                expected = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return expected;
    }

    /** A model file copied out of the classpath into {@code dir}. */
    public static Path model(String name, Path dir) throws IOException {
        String resource = "/models/" + name;
        Path target = dir.resolve(name);
        try (InputStream in = TestModels.class.getResourceAsStream(resource)) {
            assertThat(in).as("model resource " + resource).isNotNull();
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /** A pydicom sample file, checked to be the bytes the expectations were computed on. */
    public static Path dicom(String name) throws IOException {
        Path p = DICOM_DIR.resolve(name);
        assertThat(p).as("pydicom sample " + p + " (Debian package python3-pydicom)").exists();
        JsonNode f = expected().path("files").path(name);
        if (!f.isMissingNode()) {
            assertThat(sha256(Files.readAllBytes(p))).as("sha256 of " + name).isEqualTo(f.path("sha256").asText());
        }
        return p;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The classifier's labels: two GLOBAL instance-level classes. */
    public static List<LabelClass> classifierLabels() {
        return List.of(
                LabelClass.newBuilder().setClassIndex(0).setLabelId("L_normal").setName("Normal").setType(LabelType.GLOBAL)
                        .setScope(Scope.INSTANCE).build(),
                LabelClass.newBuilder().setClassIndex(1).setLabelId("L_abnormal").setName("Abnormal").setType(LabelType.GLOBAL)
                        .setScope(Scope.INSTANCE).build());
    }

    /** The segmenter's labels: channel 0 as masks, channel 1 as bounding boxes. */
    public static List<LabelClass> segmenterLabels() {
        return List.of(
                LabelClass.newBuilder().setClassIndex(0).setLabelId("L_bright").setName("Bright").setType(LabelType.LOCAL)
                        .setScope(Scope.INSTANCE).setAnnotationMode(AnnotationMode.MASK).build(),
                LabelClass.newBuilder().setClassIndex(1).setLabelId("L_brightest").setName("Brightest").setType(LabelType.LOCAL)
                        .setScope(Scope.INSTANCE).setAnnotationMode(AnnotationMode.BBOX).build());
    }

    public static Map<String, String> args(String model) {
        Map<String, String> out = new java.util.HashMap<>();
        expected().path(model).path("args").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
