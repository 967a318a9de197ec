package io.radflow.bench.latency;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.bench.BenchCommand;
import io.radflow.testsupport.TestStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The latency benchmark end to end on the real broker and registry, small: every upload becomes a
 * visible prediction through the real trigger and worker, and every row carries its percentiles and
 * hops. Speed itself is the benchmark's business, not a test's.
 */
class LatencyBenchCommandIT {

    @Test
    void shouldPrintEveryRowWithItsHopsAndTheProfilesGoal() {
        TestStack stack = TestStack.get();
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cli = cli(stdout, stderr);

        int exit = cli.execute("latency", "--uploads", "6", "--rate", "20", "--warmup", "2",
                "--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url", stack.schemaRegistryUrl());

        assertThat(exit).as(stderr.toString()).isZero();
        List<String> out = stdout.toString().lines().toList();
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
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();

        int exit = cli(stdout, stderr).execute("latency", "--profile", "fastest");

        assertThat(exit).isEqualTo(2);
        assertThat(stderr.toString()).contains("--profile: expected one of [default, low-latency], got 'fastest'");
    }

    private static CommandLine cli(StringWriter stdout, StringWriter stderr) {
        CommandLine cli = BenchCommand.commandLine();
        cli.setOut(new PrintWriter(stdout));
        cli.setErr(new PrintWriter(stderr));
        return cli;
    }
}
