package io.radflow.bench.latency;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.bench.BenchRun;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The latency benchmark end to end on the real broker and registry, small: every upload becomes a
 * visible prediction through the real trigger and worker, and every row carries its percentiles and
 * hops. Speed itself is the benchmark's business, not a test's.
 */
class LatencyBenchCommandIT {

    @Test
    void shouldPrintEveryRowWithItsHopsAndTheProfilesGoal() {
        BenchRun run = BenchRun.onTestStack("latency", "--uploads", "6", "--rate", "20", "--warmup", "2");

        assertThat(run.exit()).as(run.stderr()).isZero();
        List<String> out = run.stdout();
        for (String row : List.of("floor: 2-hop exactly-once relay, one at a time", "pipeline, one at a time",
                "floor: 2-hop exactly-once relay, 20/s", "pipeline, 20/s")) {
            String line = out.stream().filter(l -> l.startsWith(row + " ")).findFirst().orElseThrow(() -> new AssertionError(row + " in " + out));
            String[] cols = line.substring(row.length()).trim().split("\\s+");
            double p50 = Double.parseDouble(cols[0]);
            assertThat(p50).as(row + " p50").isPositive();
            assertThat(Double.parseDouble(cols[2])).as(row + " p99").isGreaterThanOrEqualTo(p50);
        }
        assertThat(out).anySatisfy(l -> assertThat(l).startsWith("pipeline, one at a time").contains("upload", "job", "prediction"))
                .anySatisfy(l -> assertThat(l).startsWith("goal of the default profile: p50 <= 100 ms, p99 <= 250 ms: "));
    }

    @Test
    void shouldRefuseAnUnknownProfile() {
        BenchRun run = BenchRun.of("latency", "--profile", "fastest");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.stderr()).contains("--profile: expected one of [default, low-latency], got 'fastest'");
    }
}
