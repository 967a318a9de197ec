package io.radflow.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.bench.BenchRun;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scaling benchmark, small, on the real broker and registry: every job of each burst gets its
 * prediction through a group of real workers and the real HTTP runtime, and each worker count has
 * its row. Speed itself is the benchmark's business, not a test's.
 */
class ScaleBenchCommandIT {

    @Test
    void shouldPrintARowPerWorkerCountBesideTheIdeal() {
        BenchRun run = BenchRun.onTestStack("scale", "--workers", "1,2", "--jobs-per-worker", "6", "--model-delay", "10");

        assertThat(run.exit()).as(run.stderr()).isZero();
        List<String> out = run.stdout();
        for (int workers : List.of(1, 2)) {
            String[] cols = out.stream().map(String::trim).filter(l -> l.matches(workers + "\\s+" + 6 * workers + "\\s+.*")).findFirst()
                    .orElseThrow(() -> new AssertionError("no row for " + workers + " workers in " + out)).split("\\s+");
            assertThat(Double.parseDouble(cols[2])).as("jobs/s of " + workers).isPositive();
            assertThat(Integer.parseInt(cols[4])).as("ideal speed-up").isEqualTo(workers);
        }
    }
}
