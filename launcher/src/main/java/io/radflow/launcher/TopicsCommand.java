package io.radflow.launcher;

import io.radflow.common.cli.ConnectionOptions;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.kafka.KafkaClientProperties;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.TopicProvisioner;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./radflow topics}: the topic catalog as a table, as Strimzi {@code KafkaTopic} resources
 * (the generator of {@code deploy/k8s/kafka/topics.yaml}), or created on a cluster that lacks them
 * ({@code topics create}, for docker-compose and clusters without Strimzi).
 */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = {"The topic catalog: print it (--format table), print it as Strimzi KafkaTopic resources "
                + "(--format strimzi), or create the missing topics on a cluster (topics create)."})
public final class TopicsCommand implements Callable<Integer> {

    enum Format { table, strimzi }

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--format", defaultValue = "table", paramLabel = "table|strimzi",
            description = "table (default) or strimzi (KafkaTopic resources, YAML).")
    Format format;

    @Option(names = "--cluster", defaultValue = "radflow", paramLabel = "NAME",
            description = "strimzi: name of the Strimzi Kafka resource (label strimzi.io/cluster; default ${DEFAULT-VALUE}).")
    String cluster;

    @Option(names = "--replicas", defaultValue = "3", paramLabel = "N",
            description = "strimzi: replication factor of every topic (default ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--min-insync-replicas", defaultValue = "2", paramLabel = "N",
            description = "strimzi: min.insync.replicas of every topic (default ${DEFAULT-VALUE}).")
    int minInsyncReplicas;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.strimzi) {
            StrimziTopics.Options options;
            try {
                options = new StrimziTopics.Options(cluster, replicas, minInsyncReplicas);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            out.print(StrimziTopics.render(TopicCatalog.ALL, options));
        } else {
            out.printf("%-26s %10s  %-8s %-10s %s%n", "TOPIC", "PARTITIONS", "CLEANUP", "RETENTION", "KEY -> VALUE");
            for (Topic<?, ?> t : TopicCatalog.ALL) {
                out.printf("%-26s %10d  %-8s %-10s %s%n", t.name(), t.partitions(), t.cleanup().name().toLowerCase(Locale.ROOT),
                        t.retentionMs().map(TopicsCommand::retention).orElse("default"), t.doc());
            }
        }
        out.flush();
        return 0;
    }

    private static String retention(long ms) {
        Duration d = Duration.ofMillis(ms);
        if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
            return d.toDays() + "d";
        }
        return d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours())) ? d.toHours() + "h" : ms + "ms";
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create every catalog topic the cluster lacks, with the catalog's partitions and configs; "
                    + "existing topics are left as they are. Exit 0 when all topics exist afterwards."})
    int create(@Option(names = "--replication-factor", defaultValue = "-1", paramLabel = "N",
            description = "Replication factor of new topics; -1 (default) takes the broker's default.replication.factor.") short replicationFactor) {
        if (replicationFactor == 0 || replicationFactor < -1) {
            throw new ParameterException(spec.commandLine(), "--replication-factor must be -1 (broker default) or at least 1");
        }
        RadflowConfig config = connection.load(CommonConfig.DEFINITION);
        PrintWriter out = spec.commandLine().getOut();
        List<String> created;
        try (Admin admin = Admin.create(KafkaClientProperties.base(config))) {
            created = TopicProvisioner.ensure(admin, TopicCatalog.ALL, replicationFactor);
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("radflow: " + e.getMessage());
            return 1;
        }
        for (Topic<?, ?> t : TopicCatalog.ALL) {
            out.printf("%-26s %s%n", t.name(), created.contains(t.name()) ? "created" : "exists");
        }
        out.flush();
        return 0;
    }
}
