package io.radflow.bench.latency;

import io.radflow.bench.BenchCluster;
import io.radflow.bench.BenchDicom;
import io.radflow.common.cli.ConnectionOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./radflow bench latency}: upload to visible prediction, per hop, beside a two-hop exactly-once relay. */
@Command(name = "latency", mixinStandardHelpOptions = true,
        description = {"Upload to visible prediction (INSTANCE scope, the demo's small ONNX classifier, warm), one at a time and at a "
                + "steady rate: p50/p95/p99 and each hop (upload visible, job visible, prediction visible), beside the floor measured "
                + "in the same run: a plain two-hop exactly-once relay with the same commit settings.",
            "Starts an embedded broker and schema registry unless --bootstrap-servers and --schema-registry-url are given."})
public final class LatencyBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--uploads", paramLabel = "N", defaultValue = "200", description = "Uploads per row (default ${DEFAULT-VALUE}).")
    int uploads;

    @Option(names = "--rate", paramLabel = "UPLOADS/S", defaultValue = "50",
            description = "Uploads per second of the steady-rate rows (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "30", description = "Uploads before the first row (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--profile", paramLabel = "NAME", defaultValue = "default",
            description = "default (the shipped settings) or low-latency (bench/README.md): sets the commit intervals below "
                    + "unless they are given (default ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--trigger-commit-interval", paramLabel = "MS", description = "trigger.commit.interval in ms (default: the profile's).")
    Long triggerCommitMs;

    @Option(names = "--worker-commit-interval", paramLabel = "MS", description = "worker.commit.interval in ms (default: the profile's).")
    Long workerCommitMs;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "The model's batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Mixin
    BenchDicom sample;

    @Override
    public Integer call() throws Exception {
        Path dicom = sample.require(spec);
        if (uploads < 1 || rate <= 0 || warmup < 0 || batch < 1) {
            throw new ParameterException(spec.commandLine(), "--uploads, --rate and --batch must be positive, --warmup not negative");
        }
        LatencyProfile p = LatencyProfile.named(profile).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--profile: expected one of " + LatencyProfile.NAMES + ", got '" + profile + "'"));
        Duration trigger = triggerCommitMs == null ? p.triggerCommitInterval() : Duration.ofMillis(triggerCommitMs);
        Duration worker = workerCommitMs == null ? p.workerCommitInterval() : Duration.ofMillis(workerCommitMs);
        PrintWriter out = spec.commandLine().getOut();
        try (BenchCluster cluster = BenchCluster.connect(connection, out)) {
            new LatencyBenchmark(cluster.config(), new LatencyBenchmark.Options(uploads, rate, warmup, p, trigger, worker, batch, dicom), out)
                    .run();
        }
        return 0;
    }
}
