package io.radflow.bench.worker;

import io.radflow.bench.BenchCluster;
import io.radflow.bench.BenchDicom;
import io.radflow.common.cli.ConnectionOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./radflow bench worker}: worker throughput beside bare ONNX Runtime, per batch size. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Jobs/s through an inference worker (Kafka in and out, transactions, DICOM decoding, validation) for the "
                + "bundled ONNX classifier, beside bare ONNX Runtime on the same decoded inputs, and the ratio, per batch size.",
            "Starts an embedded broker and schema registry unless --bootstrap-servers and --schema-registry-url are given."})
public final class WorkerBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "192", description = "Jobs per measurement (default ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--batch-sizes", paramLabel = "N,N", split = ",", defaultValue = "1,16",
            description = "Batch sizes to measure (default ${DEFAULT-VALUE}).")
    List<Integer> batchSizes;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "Alternating rounds per side; the best counts, as the one least disturbed by other processes (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--intra-op-threads", paramLabel = "N", defaultValue = "1",
            description = "ONNX Runtime threads per run, for both sides (default ${DEFAULT-VALUE}: the other core serves Kafka).")
    int intraOpThreads;

    @Option(names = "--warmup-jobs", paramLabel = "N", defaultValue = "512",
            description = "Jobs each side runs before its first measured round, per batch size (default ${DEFAULT-VALUE}).")
    int warmupJobs;

    @Mixin
    BenchDicom sample;

    @Option(names = "--no-jpeg2000",
            description = "Skip the row that runs the largest batch size on the same file in JPEG 2000 beside GDCM's bare decode rate.")
    boolean noJpeg2000;

    @Override
    public Integer call() throws Exception {
        Path dicom = sample.require(spec);
        if (jobs < 1 || rounds < 1 || warmupJobs < 0 || batchSizes.stream().anyMatch(b -> b < 1)) {
            throw new ParameterException(spec.commandLine(), "--jobs, --rounds and --batch-sizes must be positive, --warmup-jobs not negative");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (BenchCluster cluster = BenchCluster.connect(connection, out)) {
            new WorkerBenchmark(cluster.config(), new WorkerBenchmark.Options(jobs, batchSizes, intraOpThreads, dicom, warmupJobs, rounds,
                    !noJpeg2000), out).run();
        }
        return 0;
    }
}
