package io.radflow.bench.scale;

import io.radflow.bench.BenchCluster;
import io.radflow.bench.BenchDicom;
import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.config.CommonConfig;
import io.radflow.schemas.TopicCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./radflow bench scale}: jobs/s of 1, 2, 4, 8 workers in one group beside linear scaling. */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = {"Runs 1, 2, 4 and 8 workers (--workers) in one consumer group against an I/O-bound model (an HTTP model that "
                + "answers after --model-delay ms) and prints the jobs/s of each, the speed-up over one worker and the ideal (linear).",
            "On the embedded broker inference-jobs gets --partitions partitions first (12 by default); on a given cluster it keeps "
                + "what it has. Starts an embedded broker and schema registry unless --bootstrap-servers and --schema-registry-url are given."})
public final class ScaleBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--workers", split = ",", paramLabel = "N,N...", defaultValue = "1,2,4,8",
            description = "Worker counts to measure, in order (default ${DEFAULT-VALUE}).")
    List<Integer> workers;

    @Option(names = "--jobs-per-worker", paramLabel = "N", defaultValue = "150",
            description = "Jobs per worker in each measured burst (default ${DEFAULT-VALUE}).")
    int jobsPerWorker;

    @Option(names = "--model-delay", paramLabel = "MS", defaultValue = "50", description = "The model's answer time (default ${DEFAULT-VALUE}).")
    long modelDelayMs;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "12",
            description = "Partitions of inference-jobs on the embedded broker (default ${DEFAULT-VALUE}).")
    int partitions;

    @Mixin
    BenchDicom sample;

    @Override
    public Integer call() throws Exception {
        Path dicom = sample.require(spec);
        if (workers.isEmpty() || workers.stream().anyMatch(n -> n < 1) || jobsPerWorker < 1 || modelDelayMs < 0 || partitions < 1) {
            throw new ParameterException(spec.commandLine(), "--workers, --jobs-per-worker and --partitions must be positive, --model-delay not negative");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (BenchCluster cluster = BenchCluster.connect(connection, out)) {
            int jobPartitions = prepareJobsTopic(cluster);
            if (jobPartitions < workers.stream().mapToInt(Integer::intValue).max().orElse(1)) {
                out.printf("note: inference-jobs has %d partitions, fewer than the most workers asked for: the rest stay idle%n", jobPartitions);
            }
            new ScaleBenchmark(cluster.config(), new ScaleBenchmark.Options(workers, jobsPerWorker, Duration.ofMillis(modelDelayMs), dicom), out)
                    .run(jobPartitions);
        }
        return 0;
    }

    /** The jobs topic's partition count, raised to --partitions first when the cluster is the benchmark's own. */
    private int prepareJobsTopic(BenchCluster cluster) throws Exception {
        String topic = TopicCatalog.INFERENCE_JOBS.name();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.config().get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS)))) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (!names.contains(topic)) {
                if (cluster.embedded()) {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) -1).configs(TopicCatalog.INFERENCE_JOBS.configs())))
                            .all().get(30, TimeUnit.SECONDS);
                    return partitions;
                }
                return TopicCatalog.INFERENCE_JOBS.partitions(); // the first worker creates it from the catalog
            }
            int now = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
            if (cluster.embedded() && now < partitions) {
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions))).all().get(30, TimeUnit.SECONDS);
                return partitions;
            }
            return now;
        }
    }
}
