package io.radflow.devstack;

import io.radflow.common.io.Directories;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * A real Kafka cluster of N KRaft nodes (each a combined broker and controller) in this JVM on
 * 127.0.0.1, for what one broker cannot show: replication, {@code min.insync.replicas}, and a
 * broker lost and back under load. Internal topics (offsets, transactions) get replication factor
 * min(3, N) and two in-sync replicas from three nodes on; so does a topic created without one.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private final Path dir;
    private final List<EmbeddedKafka> nodes;

    private EmbeddedKafkaCluster(Path dir, List<EmbeddedKafka> nodes) {
        this.dir = dir;
        this.nodes = nodes;
    }

    public static EmbeddedKafkaCluster start(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster has at least one node, not " + size);
        }
        Path dir = TempDirs.create("radflow-kafka-cluster-");
        List<Integer> ports = FreePorts.pick(2 * size);
        List<Integer> brokerPorts = ports.subList(0, size);
        List<Integer> controllerPorts = ports.subList(size, 2 * size);
        String voters = EmbeddedKafka.quorumVoters(controllerPorts);
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        List<EmbeddedKafka> nodes = new ArrayList<>();
        EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(dir, nodes);
        try {
            for (int i = 0; i < size; i++) {
                nodes.add(EmbeddedKafka.formattedNode(dir.resolve("node-" + (i + 1)), brokerPorts.get(i), controllerPorts.get(i),
                        new EmbeddedKafka.Membership(i + 1, voters, clusterId, size)));
            }
            // Together: each node's start-up waits until a quorum of controllers has elected a leader.
            CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(n::start)).toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Every node's address, so a client finds the cluster while any one of them is down. */
    public String bootstrapServers() {
        return nodes.stream().map(EmbeddedKafka::bootstrapServers).collect(Collectors.joining(","));
    }

    public int size() {
        return nodes.size();
    }

    /** The node with this {@code node.id} (1 to size), to stop and start it. */
    public EmbeddedKafka node(int nodeId) {
        return nodes.stream().filter(n -> n.nodeId() == nodeId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + nodeId + " in a cluster of " + nodes.size()));
    }

    @Override
    public void close() {
        // Together, as they started: a node shutting down alone waits on a quorum the others are leaving.
        CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(n::stop)).toArray(CompletableFuture[]::new)).join();
        Directories.deleteQuietly(dir);
    }
}
