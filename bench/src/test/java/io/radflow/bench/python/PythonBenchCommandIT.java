package io.radflow.bench.python;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.bench.BenchRun;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ./radflow bench python} as a user runs it, small: every figure and the ratio are printed. */
class PythonBenchCommandIT {

    @Test
    void shouldPrintTheWorkerBesideThePlainLoopAndTheRatio() {
        BenchRun run = BenchRun.onTestStack("python", "--jobs", "8", "--rounds", "1");

        assertThat(run.exit()).as(run.stderr()).isZero();
        List<String> out = run.stdout();
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
