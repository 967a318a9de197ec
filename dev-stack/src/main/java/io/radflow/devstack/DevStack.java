package io.radflow.devstack;

import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.TopicProvisioner;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The embedded development stack: one real KRaft broker in this JVM, one real Apicurio Registry
 * as a child process, and every topic of the catalog. Start-up takes a few seconds; close() stops
 * both and removes their temporary directories.
 */
public final class DevStack implements AutoCloseable {

    private final EmbeddedKafka kafka;
    private final EmbeddedSchemaRegistry registry;

    private DevStack(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /** Where to keep Kafka's data (null: a temporary directory) and which ports to bind (0: free ports). */
    public record Options(Path dataDir, int kafkaPort, int schemaRegistryPort) {
        public static Options defaults() {
            return new Options(null, 0, 0);
        }
    }

    public static DevStack start(Options options) {
        // Both take seconds; start the registry's JVM while the broker formats and starts here.
        var registryStart = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> EmbeddedSchemaRegistry.start(options.schemaRegistryPort()));
        EmbeddedKafka kafka;
        try {
            kafka = EmbeddedKafka.start(options.dataDir(), options.kafkaPort());
        } catch (RuntimeException e) {
            registryStart.thenAccept(EmbeddedSchemaRegistry::close);
            throw e;
        }
        EmbeddedSchemaRegistry registry;
        try {
            registry = registryStart.join();
        } catch (RuntimeException e) {
            kafka.close();
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
        DevStack stack = new DevStack(kafka, registry);
        try {
            stack.createTopics();
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    private void createTopics() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicProvisioner.ensure(admin, TopicCatalog.ALL, (short) 1);
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Confluent-compatible API base URL of the registry. */
    public String schemaRegistryUrl() {
        return registry.confluentApiUrl();
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public EmbeddedSchemaRegistry schemaRegistry() {
        return registry;
    }

    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            kafka.close();
        }
    }
}
