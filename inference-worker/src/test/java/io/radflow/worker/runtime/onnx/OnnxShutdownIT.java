package io.radflow.worker.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.testsupport.ChildJvm;
import java.nio.file.Path;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while models load: ONNX Runtime releases its native environment in a JVM shutdown hook
 * of its own, which the JVM runs at the same time as every other hook. Before signals were
 * handled in Java ({@code ShutdownSignals}), a stop in the middle of a load aborted the process
 * (exit 134, "Assertion 'get() != pointer()' failed" on onnxruntime::Environment) instead of
 * closing in order.
 */
class OnnxShutdownIT {

    @TempDir
    Path dir;

    @RepeatedTest(3)
    void shouldCloseEveryLoadBeforeOnnxRuntimeReleasesItsEnvironment() throws Exception {
        Path model = Path.of(getClass().getResource("/models/segmenter.onnx").toURI());
        try (ChildJvm child = ChildJvm.start(dir, OnnxSessionLoopMain.class, model.toString())) {
            child.awaitLine("loading");
            Thread.sleep(300); // loads in full swing on both threads

            assertThat(child.stop()).as("stopped within the minute").isTrue();

            assertThat(child.process().exitValue()).as("128 + SIGTERM after an orderly close; output:\n%s",
                    String.join("\n", child.output())).isEqualTo(143);
            long deadline = System.nanoTime() + 5_000_000_000L; // the pump may still be reading the last lines
            while (!child.output().contains("loaders stopped") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(child.output()).contains("loaders stopped").noneMatch(l -> l.startsWith("load failed"));
        }
    }
}
