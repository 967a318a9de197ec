package io.radflow.devstack;

import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.TopicProvisioner;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The embedded development stack: one real KRaft broker in this JVM (or a cluster of several),
 * one real Apicurio Registry as a child process, and every topic of the catalog, replicated to
 * min(3, brokers) of them. Start-up takes a few seconds; close() stops both and removes their
 * temporary directories.
 */
public final class DevStack implements AutoCloseable {

    private final EmbeddedKafka kafka;
    private final EmbeddedKafkaCluster cluster;
    private final EmbeddedSchemaRegistry registry;

    private DevStack(EmbeddedKafka kafka, EmbeddedKafkaCluster cluster, EmbeddedSchemaRegistry registry) {
        this.kafka = kafka;
        this.cluster = cluster;
        this.registry = registry;
    }

    /**
     * Where to keep Kafka's data (null: a temporary directory), which ports to bind (0: free ports)
     * and how many brokers (more than one: temporary data and free ports only).
     */
    public record Options(Path dataDir, int kafkaPort, int schemaRegistryPort, int brokers) {

        public Options {
            if (brokers < 1) {
                throw new IllegalArgumentException("brokers must be at least 1, not " + brokers);
            }
            if (brokers > 1 && (dataDir != null || kafkaPort != 0)) {
                throw new IllegalArgumentException("a cluster of " + brokers + " brokers keeps its data in a temporary directory on free "
                        + "ports: a data directory or a Kafka port works with one broker only");
            }
        }

        public Options(Path dataDir, int kafkaPort, int schemaRegistryPort) {
            this(dataDir, kafkaPort, schemaRegistryPort, 1);
        }

        public static Options defaults() {
            return new Options(null, 0, 0);
        }
    }

    public static DevStack start(Options options) {
        // Both take seconds; start the registry's JVM while the broker formats and starts here.
        var registryStart = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> EmbeddedSchemaRegistry.start(options.schemaRegistryPort()));
        EmbeddedKafka kafka = null;
        EmbeddedKafkaCluster cluster = null;
        try {
            if (options.brokers() == 1) {
                kafka = EmbeddedKafka.start(options.dataDir(), options.kafkaPort());
            } else {
                cluster = EmbeddedKafkaCluster.start(options.brokers());
            }
        } catch (RuntimeException e) {
            registryStart.thenAccept(EmbeddedSchemaRegistry::close);
            throw e;
        }
        EmbeddedSchemaRegistry registry;
        try {
            registry = registryStart.join();
        } catch (RuntimeException e) {
            new DevStack(kafka, cluster, null).closeKafka();
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
        DevStack stack = new DevStack(kafka, cluster, registry);
        try {
            stack.createTopics();
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    private void createTopics() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            // With three brokers or more, the brokers' min.insync.replicas (2) applies to every topic.
            TopicProvisioner.ensure(admin, TopicCatalog.ALL, (short) Math.min(3, brokers()));
        }
    }

    public String bootstrapServers() {
        return cluster != null ? cluster.bootstrapServers() : kafka.bootstrapServers();
    }

    public int brokers() {
        return cluster != null ? cluster.size() : 1;
    }

    /** Confluent-compatible API base URL of the registry. */
    public String schemaRegistryUrl() {
        return registry.confluentApiUrl();
    }

    /** The broker of a one-broker stack, to stop and restart it; null for a cluster (see {@link #cluster()}). */
    public EmbeddedKafka kafka() {
        return kafka;
    }

    /** The brokers of a stack of several, to stop and start one; null with one broker. */
    public EmbeddedKafkaCluster cluster() {
        return cluster;
    }

    public EmbeddedSchemaRegistry schemaRegistry() {
        return registry;
    }

    @Override
    public void close() {
        try {
            if (registry != null) {
                registry.close();
            }
        } finally {
            closeKafka();
        }
    }

    private void closeKafka() {
        if (cluster != null) {
            cluster.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }
}
