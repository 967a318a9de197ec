package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.TopicProvisioner;
import io.radflow.testsupport.TestStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./radflow topics create} against a real broker: every catalog topic is there, laid out as the catalog says. */
class TopicsCommandIT {

    @Test
    void shouldLeaveEveryCatalogTopicInPlaceWithItsLayout() throws Exception {
        TestStack stack = TestStack.get();
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("topics", "create", "--bootstrap-servers", stack.bootstrapServers(),
                "--schema-registry-url", stack.schemaRegistryUrl(), "--replication-factor", "1")).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(TopicCatalog.ALL.size());
        for (Topic<?, ?> topic : TopicCatalog.ALL) {
            assertThat(lines).anyMatch(l -> l.matches(java.util.regex.Pattern.quote(topic.name()) + "\\s+(created|exists)"));
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            List<String> names = TopicCatalog.ALL.stream().map(Topic::name).toList();
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            List<ConfigResource> resources = names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
            for (Topic<?, ?> topic : TopicCatalog.ALL) {
                assertThat(described.get(topic.name()).partitions()).as(topic.name()).hasSize(topic.partitions());
                Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
                assertThat(config.get("cleanup.policy").value()).as(topic.name()).isEqualTo(topic.configs().get("cleanup.policy"));
            }
        }
    }

    @Test
    void shouldReturnNewTopicsOnlyOnceTheBrokerLeadsEveryPartition() throws Exception {
        TestStack stack = TestStack.get();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            // Several topics in turn: the gap between creating a topic and leading its partitions is short.
            for (int attempt = 0; attempt < 5; attempt++) {
                String name = "provisioner-leaders-" + UUID.randomUUID();
                Topic<byte[], byte[]> topic = new Topic<>(name, byte[].class, byte[].class, 12, Topic.Cleanup.DELETE,
                        Optional.of(3_600_000L), "test topic");
                assertThat(TopicProvisioner.ensure(admin, List.of(topic), (short) 1)).containsExactly(name);

                TopicDescription described = admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name);
                assertThat(described.partitions()).hasSize(12).allSatisfy(p -> assertThat(p.leader()).isNotNull());
                // Written at once, to every partition, by an idempotent producer with several requests in flight:
                // no send may need a retry (a write before the broker leads the partition fails NOT_LEADER_OR_FOLLOWER).
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", stack.bootstrapServers(),
                        "acks", "all", "enable.idempotence", true, "delivery.timeout.ms", 30_000, "linger.ms", 0),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
                    List<Future<RecordMetadata>> sent = new ArrayList<>();
                    for (int i = 0; i < 120; i++) {
                        sent.add(producer.send(new ProducerRecord<>(name, i % 12, null, new byte[] {(byte) i})));
                    }
                    for (Future<RecordMetadata> f : sent) {
                        assertThat(f.get(60, TimeUnit.SECONDS).offset()).isNotNegative();
                    }
                    double retries = producer.metrics().entrySet().stream()
                            .filter(e -> e.getKey().group().equals("producer-metrics") && e.getKey().name().equals("record-retry-total"))
                            .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
                    assertThat(retries).as("sends retried on topic %s", name).isZero();
                }
                admin.deleteTopics(List.of(name)).all().get(30, TimeUnit.SECONDS);
            }
        }
    }
}
