package io.radflow.testsupport;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import io.radflow.devstack.DevStack;
import io.radflow.devstack.EmbeddedKafka;
import io.radflow.devstack.EmbeddedSchemaRegistry;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.TopicProvisioner;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The Kafka broker and schema registry integration tests run against, started once per test JVM
 * and shared by every test class; a shutdown hook stops it. Which broker is chosen by
 * {@code radflow.it.kafka} (system property) or {@code RADFLOW_IT_KAFKA}:
 * <ul>
 *   <li>{@code embedded} (default): a real KRaft broker in this JVM;</li>
 *   <li>{@code cluster3}: three real KRaft brokers in this JVM, every catalog topic replicated to
 *       all three with two in sync required;</li>
 *   <li>{@code testcontainers}: Testcontainers' Kafka when Docker is available, otherwise the
 *       embedded broker (with a warning; tests never skip for want of Docker);</li>
 *   <li>{@code external}: the cluster named by {@code radflow.it.bootstrap.servers}.</li>
 * </ul>
 * The schema registry is always a real Apicurio Registry child process.
 */
public final class TestStack {

    private static final Logger log = LoggerFactory.getLogger(TestStack.class);
    private static TestStack instance;

    private final String bootstrapServers;
    private final String schemaRegistryUrl;
    private final String kind;
    private final EmbeddedKafka embeddedKafka;
    private final AutoCloseable resources;

    private TestStack(String kind, String bootstrapServers, String schemaRegistryUrl, EmbeddedKafka embeddedKafka,
                      AutoCloseable resources) {
        this.kind = kind;
        this.bootstrapServers = bootstrapServers;
        this.schemaRegistryUrl = schemaRegistryUrl;
        this.embeddedKafka = embeddedKafka;
        this.resources = resources;
    }

    public static synchronized TestStack get() {
        if (instance == null) {
            instance = start();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "test-stack-shutdown"));
        }
        return instance;
    }

    private static TestStack start() {
        String mode = setting("radflow.it.kafka", "embedded").toLowerCase(Locale.ROOT);
        long t0 = System.nanoTime();
        TestStack stack = switch (mode) {
            case "testcontainers" -> DockerClientFactory.instance().isDockerAvailable() ? testcontainers() : embedded(
                    "Docker is not available: radflow.it.kafka=testcontainers falls back to the embedded broker");
            case "external" -> external();
            case "embedded" -> embedded(null);
            case "cluster3" -> cluster(3);
            default -> throw new IllegalArgumentException("radflow.it.kafka must be embedded, cluster3, testcontainers or external, not "
                    + mode);
        };
        log.info("test stack ready kind={} bootstrapServers={} schemaRegistryUrl={} startupMs={}", stack.kind,
                stack.bootstrapServers, stack.schemaRegistryUrl, (System.nanoTime() - t0) / 1_000_000);
        return stack;
    }

    private static TestStack embedded(String warning) {
        if (warning != null) {
            log.warn(warning);
        }
        DevStack dev = DevStack.start(DevStack.Options.defaults());
        return new TestStack("embedded", dev.bootstrapServers(), dev.schemaRegistryUrl(), dev.kafka(), dev);
    }

    private static TestStack cluster(int brokers) {
        DevStack dev = DevStack.start(new DevStack.Options(null, 0, 0, brokers));
        return new TestStack("cluster" + brokers, dev.bootstrapServers(), dev.schemaRegistryUrl(), null, dev);
    }

    private static TestStack testcontainers() {
        KafkaContainer kafka = new KafkaContainer(setting("radflow.it.kafka.image", "apache/kafka:4.1.0"));
        kafka.start();
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(0);
        createTopics(kafka.getBootstrapServers());
        return new TestStack("testcontainers", kafka.getBootstrapServers(), registry.confluentApiUrl(), null, () -> {
            registry.close();
            kafka.stop();
        });
    }

    private static TestStack external() {
        String bootstrap = setting("radflow.it.bootstrap.servers", null);
        if (bootstrap == null) {
            throw new IllegalArgumentException("radflow.it.kafka=external needs radflow.it.bootstrap.servers");
        }
        String registryUrl = setting("radflow.it.schema.registry.url", null);
        EmbeddedSchemaRegistry registry = registryUrl == null ? EmbeddedSchemaRegistry.start(0) : null;
        createTopics(bootstrap);
        return new TestStack("external", bootstrap, registry != null ? registry.confluentApiUrl() : registryUrl, null,
                () -> {
                    if (registry != null) {
                        registry.close();
                    }
                });
    }

    private static void createTopics(String bootstrap) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            TopicProvisioner.ensure(admin, TopicCatalog.ALL, (short) 1);
        }
    }

    private static String setting(String property, String fallback) {
        String v = System.getProperty(property);
        if (v == null) {
            v = System.getenv(property.toUpperCase(Locale.ROOT).replace('.', '_'));
        }
        return v != null && !v.isBlank() ? v : fallback;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String schemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    /** embedded, testcontainers or external */
    public String kind() {
        return kind;
    }

    /** The embedded broker, for tests that stop and restart it; only with the embedded stack. */
    public EmbeddedKafka embeddedKafka() {
        if (embeddedKafka == null) {
            throw new UnsupportedOperationException("broker restarts need the embedded broker (radflow.it.kafka=embedded)");
        }
        return embeddedKafka;
    }

    /** A validated configuration pointing at this stack, plus any extra keys a test sets. */
    public RadflowConfig config(io.radflow.common.config.ConfigDefinition definition, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(extra);
        values.put(CommonConfig.KAFKA_BOOTSTRAP_SERVERS.name(), bootstrapServers);
        values.put(CommonConfig.SCHEMA_REGISTRY_URL.name(), schemaRegistryUrl);
        return RadflowConfig.load(definition, ConfigSource.of("test", values));
    }

    public RadflowConfig config() {
        return config(CommonConfig.DEFINITION, Map.of());
    }

    private void stop() {
        try {
            resources.close();
        } catch (Exception e) {
            log.warn("test stack did not stop cleanly: {}", e.toString());
        }
    }
}
