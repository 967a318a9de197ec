package io.radflow.launcher;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./radflow bench}: benchmarks that print each figure beside its baseline, measured in
 * the same run on the same machine, and the ratio. Each component adds its benchmark here.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: each prints Radflow's figure beside a baseline measured in the same run, and the ratio.",
        subcommands = {WorkerBenchCommand.class, TriggerBenchCommand.class, PythonBenchCommand.class})
public final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Name a benchmark; see ./radflow bench --help");
    }
}
