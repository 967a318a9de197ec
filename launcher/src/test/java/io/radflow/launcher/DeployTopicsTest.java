package io.radflow.launcher;

import static io.radflow.launcher.DeployFiles.at;
import static io.radflow.launcher.DeployFiles.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** deploy/k8s/kafka/topics.yaml is the generator's output, and it says what the topic catalog says. */
class DeployTopicsTest {

    static final Path TOPICS = DeployFiles.DEPLOY.resolve("k8s/kafka/topics.yaml");

    @Test
    void shouldBeExactlyWhatTheGeneratorPrints() {
        String generated = StrimziTopics.render(TopicCatalog.ALL, StrimziTopics.Options.DEFAULTS);
        assertThat(DeployFiles.read(TOPICS))
                .as("deploy/k8s/kafka/topics.yaml is stale; regenerate it: " + StrimziTopics.Options.DEFAULTS.commandLine()
                        + " > deploy/k8s/kafka/topics.yaml")
                .isEqualTo(generated);
    }

    @Test
    void shouldPrintTheSameFromTheCommandLine() {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("topics", "--format", "strimzi")).isZero();
        assertThat(out.toString()).isEqualTo(StrimziTopics.render(TopicCatalog.ALL, StrimziTopics.Options.DEFAULTS));
    }

    @Test
    void shouldDeclareEveryCatalogTopicWithItsPartitionsAndConfigs() {
        Map<String, Map<String, Object>> byTopic = new TreeMap<>();
        for (Map<String, Object> doc : DeployFiles.yamlDocuments(TOPICS)) {
            assertThat(doc.get("kind")).isEqualTo("KafkaTopic");
            assertThat(doc.get("apiVersion")).isEqualTo(StrimziTopics.API_VERSION);
            assertThat(text(doc, "metadata", "labels", "strimzi.io/cluster")).isEqualTo("radflow");
            String name = text(doc, "spec", "topicName");
            assertThat(TopicCatalog.byName(name)).as("KafkaTopic " + name + " is a catalog topic").isPresent();
            assertThat(byTopic.put(name, doc)).as("topic " + name + " declared once").isNull();
        }
        assertThat(byTopic.keySet()).containsExactlyInAnyOrderElementsOf(TopicCatalog.ALL.stream().map(Topic::name).toList());
        for (Topic<?, ?> topic : TopicCatalog.ALL) {
            Map<String, Object> doc = byTopic.get(topic.name());
            assertThat(at(doc, "spec", "partitions")).as(topic.name() + " partitions").isEqualTo(topic.partitions());
            Map<String, Object> config = DeployFiles.map(at(doc, "spec", "config"));
            assertThat(config.get("cleanup.policy")).as(topic.name() + " cleanup.policy").isEqualTo(topic.configs().get("cleanup.policy"));
            assertThat(config.get("retention.ms")).as(topic.name() + " retention.ms").isEqualTo(topic.configs().get("retention.ms"));
            int replicas = (Integer) at(doc, "spec", "replicas");
            assertThat(Integer.parseInt((String) config.get("min.insync.replicas"))).isBetween(1, replicas);
        }
    }

    @Test
    void shouldNameResourcesAsKubernetesAllows() {
        assertThat(StrimziTopics.resourceName("Model_Settings.v2")).isEqualTo("model-settings.v2");
        for (Topic<?, ?> topic : TopicCatalog.ALL) {
            assertThat(StrimziTopics.resourceName(topic.name())).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
        }
    }

    @Test
    void shouldRefuseOptionsStrimziCannotUse() {
        assertThatThrownBy(() -> new StrimziTopics.Options("Radflow_Cluster", 3, 2)).hasMessageContaining("not a Kubernetes resource name");
        assertThatThrownBy(() -> new StrimziTopics.Options("radflow", 1, 2)).hasMessageContaining("min.insync.replicas");
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("topics", "--format", "strimzi", "--replicas", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("min.insync.replicas (2) <= replicas (1)");
        assertThat(cli.execute("topics", "create", "--replication-factor", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--replication-factor must be -1");
    }

    @Test
    void shouldListTheCatalogAsATable() {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("topics")).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(TopicCatalog.ALL.size() + 1);
        assertThat(lines).anyMatch(l -> l.matches("inference-jobs\\s+6\\s+delete\\s+14d\\s+.*"));
        assertThat(lines).anyMatch(l -> l.matches("registry-command-replies\\s+1\\s+delete\\s+1h\\s+.*"));
    }
}
