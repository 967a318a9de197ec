package io.radflow.bench.python;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.bench.BenchCommand;
import io.radflow.testsupport.TestStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./radflow bench python} as a user runs it, small: every figure and the ratio are printed. */
class PythonBenchCommandIT {

    @Test
    void shouldPrintTheWorkerBesideThePlainLoopAndTheRatio() {
        TestStack stack = TestStack.get();
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cli = BenchCommand.commandLine();
        cli.setOut(new PrintWriter(stdout));
        cli.setErr(new PrintWriter(stderr));

        int exit = cli.execute("python", "--jobs", "8", "--rounds", "1",
                "--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url", stack.schemaRegistryUrl());

        assertThat(exit).as(stderr.toString()).isZero();
        List<String> out = stdout.toString().lines().toList();
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
