package io.radflow.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.bench.BenchCommand;
import io.radflow.testsupport.TestStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The scaling benchmark, small, on the real broker and registry: every job of each burst gets its
 * prediction through a group of real workers and the real HTTP runtime, and each worker count has
 * its row. Speed itself is the benchmark's business, not a test's.
 */
class ScaleBenchCommandIT {

    @Test
    void shouldPrintARowPerWorkerCountBesideTheIdeal() {
        TestStack stack = TestStack.get();
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cli = BenchCommand.commandLine();
        cli.setOut(new PrintWriter(stdout));
        cli.setErr(new PrintWriter(stderr));

        int exit = cli.execute("scale", "--workers", "1,2", "--jobs-per-worker", "6", "--model-delay", "10",
                "--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url", stack.schemaRegistryUrl());

        assertThat(exit).as(stderr.toString()).isZero();
        List<String> out = stdout.toString().lines().toList();
        for (int workers : List.of(1, 2)) {
            String[] cols = out.stream().map(String::trim).filter(l -> l.matches(workers + "\\s+" + 6 * workers + "\\s+.*")).findFirst()
                    .orElseThrow(() -> new AssertionError("no row for " + workers + " workers in " + out)).split("\\s+");
            assertThat(Double.parseDouble(cols[2])).as("jobs/s of " + workers).isPositive();
            assertThat(Integer.parseInt(cols[4])).as("ideal speed-up").isEqualTo(workers);
        }
    }
}
