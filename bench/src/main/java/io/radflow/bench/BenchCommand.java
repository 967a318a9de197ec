package io.radflow.bench;

import io.radflow.bench.latency.LatencyBenchCommand;
import io.radflow.bench.python.PythonBenchCommand;
import io.radflow.bench.scale.ScaleBenchCommand;
import io.radflow.bench.trigger.TriggerBenchCommand;
import io.radflow.bench.worker.BackfillBenchCommand;
import io.radflow.bench.worker.WorkerBenchCommand;
import io.radflow.common.cli.CommandErrors;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./radflow bench}: benchmarks that print each figure beside its baseline, measured in
 * the same run on the same machine, and the ratio. Each component adds its benchmark here. The
 * {@code radflow} script runs this module's {@link #main} for {@code ./radflow bench ...}, so the
 * production launcher carries no benchmark code.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, version = "radflow 0.1.0",
        description = "Benchmarks: each prints Radflow's figure beside a baseline measured in the same run, and the ratio.",
        subcommands = {WorkerBenchCommand.class, TriggerBenchCommand.class, PythonBenchCommand.class, BackfillBenchCommand.class,
            LatencyBenchCommand.class, ScaleBenchCommand.class})
public final class BenchCommand implements Runnable {

    /** Exit code for invalid configuration or usage, as {@code ./radflow}'s. */
    static final int EXIT_BAD_CONFIG = CommandErrors.EXIT_BAD_CONFIG;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Name a benchmark; see ./radflow bench --help");
    }

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.exit(commandLine().execute(args));
    }

    /** The command line as {@code ./radflow bench} parses it, with {@code ./radflow}'s exit codes. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setCommandName("radflow bench");
        return CommandErrors.handled(cli);
    }
}
