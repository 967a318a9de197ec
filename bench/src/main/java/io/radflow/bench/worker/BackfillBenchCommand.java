package io.radflow.bench.worker;

import io.radflow.bench.BenchCluster;
import io.radflow.bench.BenchDicom;
import io.radflow.common.cli.ConnectionOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./radflow bench backfill}: fresh auto-run latency alone and during a large backfill, in the same run. */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = {"Latency of fresh INSTANCE jobs (submission to committed prediction, p50/p95/p99) through one worker, alone "
                + "and then while a backfill of run jobs waits on run-jobs, and the ratio of the p95s (goal: at most 2).",
            "Starts an embedded broker and schema registry unless --bootstrap-servers and --schema-registry-url are given."})
public final class BackfillBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--fresh", paramLabel = "N", defaultValue = "100", description = "Fresh jobs per phase (default ${DEFAULT-VALUE}).")
    int fresh;

    @Option(names = "--rate", paramLabel = "JOBS/S", defaultValue = "5", description = "Fresh jobs per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--backfill", paramLabel = "N", defaultValue = "10000", description = "Run jobs of the backfill (default ${DEFAULT-VALUE}).")
    int backfill;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "8", description = "The model's batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--runs-max-in-flight", paramLabel = "N", defaultValue = "2",
            description = "worker.runs.max.in.flight: run jobs in flight at most (default ${DEFAULT-VALUE}, the worker's default).")
    int runsMaxInFlight;

    @Option(names = "--intra-op-threads", paramLabel = "N", defaultValue = "1", description = "ONNX Runtime threads per run (default ${DEFAULT-VALUE}).")
    int intraOpThreads;

    @Mixin
    BenchDicom sample;

    @Override
    public Integer call() throws Exception {
        Path dicom = sample.require(spec);
        if (fresh < 1 || rate <= 0 || backfill < 1 || batch < 1 || runsMaxInFlight < 1) {
            throw new ParameterException(spec.commandLine(), "--fresh, --rate, --backfill, --batch and --runs-max-in-flight must be positive");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (BenchCluster cluster = BenchCluster.connect(connection, out)) {
            new BackfillBenchmark(cluster.config(), new BackfillBenchmark.Options(fresh, rate, backfill, batch, runsMaxInFlight, intraOpThreads, dicom), out).run();
        }
        return 0;
    }
}
