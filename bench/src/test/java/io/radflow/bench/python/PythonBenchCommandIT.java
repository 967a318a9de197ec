package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.testsupport.TestStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./radflow bench python} as a user runs it, small: every figure and the ratio are printed. */
class PythonBenchCommandIT {

    @TempDir
    Path home;

    @Test
    void shouldPrintTheWorkerBesideThePlainLoopAndTheRatio() throws Exception {
        TestStack stack = TestStack.get();
        try (LauncherProcess bench = LauncherProcess.start(home, "bench", "python", "--jobs", "8", "--rounds", "1",
                "--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url", stack.schemaRegistryUrl())) {
            assertThat(bench.waitFor(Duration.ofMinutes(5))).as(String.join("\n", bench.stderr())).isZero();
            List<String> out = bench.stdout();
            String round = out.stream().filter(l -> l.trim().startsWith("1 ")).findFirst().orElseThrow();
            // round, loop jobs/s, worker jobs/s, ratio, then CPU figures
            String[] cols = round.trim().split("\\s+");
            assertThat(Double.parseDouble(cols[1])).as("plain loop jobs/s").isPositive();
            assertThat(Double.parseDouble(cols[2])).as("worker jobs/s").isPositive();
            assertThat(Double.parseDouble(cols[3])).as("ratio").isPositive();
            assertThat(out).anySatisfy(l -> assertThat(l).contains("best round of each side: through the worker", "ratio",
                    "(target >= 0.9)"));
        }
    }
}
