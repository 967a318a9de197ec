package io.radflow.launcher;

import io.radflow.schemas.Topic;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders the topic catalog as Strimzi {@code KafkaTopic} resources, so the Kubernetes manifests
 * are generated from the same catalog the services use. The output is deterministic (catalog
 * order, sorted configs): {@code deploy/k8s/kafka/topics.yaml} is this output, byte for byte,
 * and a test fails when they differ.
 */
final class StrimziTopics {

    /** Strimzi's API version of KafkaTopic (served by every Strimzi release with node pools and KRaft). */
    static final String API_VERSION = "kafka.strimzi.io/v1beta2";

    /**
     * @param cluster           name of the Strimzi {@code Kafka} resource the topics belong to
     * @param replicas          replication factor of every topic
     * @param minInsyncReplicas {@code min.insync.replicas} of every topic (acks=all writes need this many)
     */
    record Options(String cluster, int replicas, int minInsyncReplicas) {

        static final Options DEFAULTS = new Options("radflow", 3, 2);

        Options {
            if (!cluster.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
                throw new IllegalArgumentException("not a Kubernetes resource name: " + cluster);
            }
            if (replicas < 1 || minInsyncReplicas < 1 || minInsyncReplicas > replicas) {
                throw new IllegalArgumentException("need 1 <= min.insync.replicas (" + minInsyncReplicas + ") <= replicas (" + replicas + ")");
            }
        }

        /** The command line that produces this output. */
        String commandLine() {
            return "./radflow topics --format strimzi --cluster " + cluster + " --replicas " + replicas
                    + " --min-insync-replicas " + minInsyncReplicas;
        }
    }

    private StrimziTopics() {
    }

    static String render(List<Topic<?, ?>> topics, Options options) {
        StringBuilder out = new StringBuilder()
                .append("# Generated from TopicCatalog by: ").append(options.commandLine()).append('\n')
                .append("# Do not edit: change TopicCatalog and regenerate (DeployTopicsTest fails while this file differs).\n");
        for (Topic<?, ?> topic : topics) {
            out.append("---\n")
                    .append("# ").append(oneLine(topic.doc())).append('\n')
                    .append("apiVersion: ").append(API_VERSION).append('\n')
                    .append("kind: KafkaTopic\n")
                    .append("metadata:\n")
                    .append("  name: ").append(resourceName(topic.name())).append('\n')
                    .append("  labels:\n")
                    .append("    strimzi.io/cluster: ").append(options.cluster()).append('\n')
                    .append("    app.kubernetes.io/part-of: radflow\n")
                    .append("spec:\n")
                    .append("  topicName: ").append(topic.name()).append('\n')
                    .append("  partitions: ").append(topic.partitions()).append('\n')
                    .append("  replicas: ").append(options.replicas()).append('\n')
                    .append("  config:\n");
            Map<String, String> configs = new TreeMap<>(topic.configs());
            configs.put("min.insync.replicas", Integer.toString(options.minInsyncReplicas()));
            configs.forEach((key, value) -> out.append("    ").append(key).append(": \"").append(value).append("\"\n"));
        }
        return out.toString();
    }

    /**
     * A Kubernetes object name for a topic: Kafka allows '_' and upper case, Kubernetes does not
     * (the real name stays in {@code spec.topicName}).
     */
    static String resourceName(String topicName) {
        return topicName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }
}
