package io.radflow.registry.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.error.Reason;
import io.radflow.registry.RegistryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxCheckTest {

    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("model.onnx"), bytes);
    }

    @Test
    void shouldAcceptARealOnnxModel() throws IOException {
        assertThatCode(() -> OnnxCheck.check(write(TestArtifacts.onnx()))).doesNotThrowAnyException();
    }

    @Test
    void shouldRejectATruncatedModel() throws IOException {
        byte[] onnx = TestArtifacts.onnx();
        Path file = write(Arrays.copyOf(onnx, onnx.length - 10));
        assertInvalid(file, "not a valid ONNX model");
    }

    @Test
    void shouldRejectTextAndRandomBytes() throws IOException {
        assertInvalid(write("<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8)), "not a valid ONNX model");
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        assertInvalid(write(noise), "not a valid ONNX model");
    }

    @Test
    void shouldRejectAModelWithoutGraph() throws IOException {
        // ir_version 7 and a producer name, but no field 7.
        assertInvalid(write(new byte[] {0x08, 0x07, 0x12, 0x01, 'x'}), "no graph");
    }

    private static void assertInvalid(Path file, String message) {
        assertThatThrownBy(() -> OnnxCheck.check(file)).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.INVALID_ARTIFACT);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
