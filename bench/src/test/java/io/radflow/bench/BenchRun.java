package io.radflow.bench;

import io.radflow.testsupport.TestStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** One {@code ./radflow bench ...} run in the test's JVM: its exit code, stdout lines and stderr. */
public record BenchRun(int exit, List<String> stdout, String stderr) {

    public static BenchRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = BenchCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new BenchRun(exit, out.toString().lines().toList(), err.toString());
    }

    /** With the shared test stack's broker and schema registry. */
    public static BenchRun onTestStack(String... args) {
        TestStack stack = TestStack.get();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url", stack.schemaRegistryUrl()));
        return of(all.toArray(String[]::new));
    }
}
