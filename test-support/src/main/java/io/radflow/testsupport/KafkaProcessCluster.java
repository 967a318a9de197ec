package io.radflow.testsupport;

import io.radflow.devstack.EmbeddedKafka;
import io.radflow.devstack.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.awaitility.Awaitility;

/**
 * A real Kafka cluster of N KRaft nodes, each in a JVM of its own ({@link KafkaNodeMain}), so a
 * test can stop one in order (SIGTERM), SIGKILL one, and bring it back on the same ports and log.
 * Internal topics replicate to min(3, N) nodes with two in sync from three on, as in
 * {@code EmbeddedKafkaCluster}.
 */
public final class KafkaProcessCluster implements AutoCloseable {

    private final Path dir;
    private final List<String[]> nodeArgs;
    private final Map<Integer, ChildJvm> running = new HashMap<>();

    private KafkaProcessCluster(Path dir, List<String[]> nodeArgs) {
        this.dir = dir;
        this.nodeArgs = nodeArgs;
    }

    /** Starts {@code size} nodes under {@code dir} and waits until every one serves. */
    public static KafkaProcessCluster start(Path dir, int size) throws InterruptedException {
        List<Integer> ports = FreePorts.pick(2 * size);
        String voters = EmbeddedKafka.quorumVoters(ports.subList(size, 2 * size));
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        List<String[]> args = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            args.add(new String[] {dir.resolve("node-" + (i + 1)).toString(), ports.get(i).toString(), ports.get(size + i).toString(),
                Integer.toString(i + 1), voters, clusterId, Integer.toString(size)});
        }
        KafkaProcessCluster cluster = new KafkaProcessCluster(dir, args);
        try {
            // Together: a node's start-up waits until a quorum of controllers has elected a leader.
            for (int id = 1; id <= size; id++) {
                cluster.launch(id);
            }
            for (int id = 1; id <= size; id++) {
                cluster.running.get(id).awaitLine(KafkaNodeMain.STARTED);
            }
        } catch (IOException e) {
            cluster.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error | InterruptedException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private void launch(int nodeId) throws IOException {
        Files.createDirectories(dir);
        running.put(nodeId, ChildJvm.start(dir, KafkaNodeMain.class, nodeArgs.get(nodeId - 1)));
    }

    /** Every node's address, so that clients find the cluster while any one node is down. */
    public String bootstrapServers() {
        return nodeArgs.stream().map(a -> "127.0.0.1:" + a[1]).collect(Collectors.joining(","));
    }

    /** SIGTERM: a controlled shutdown (leaderships move away first); true when it ended within the minute. */
    public boolean stop(int nodeId) throws InterruptedException {
        ChildJvm node = running.remove(nodeId);
        return node == null || node.stop();
    }

    /** SIGKILL: no shutdown at all, its log recovered on the next start. */
    public void kill(int nodeId) throws InterruptedException {
        ChildJvm node = running.remove(nodeId);
        if (node != null) {
            node.kill();
        }
    }

    /** Starts a stopped or killed node again on its ports and log, and waits until it serves. */
    public void start(int nodeId) throws IOException, InterruptedException {
        if (!running.containsKey(nodeId)) {
            launch(nodeId);
            running.get(nodeId).awaitLine(KafkaNodeMain.STARTED);
        }
    }

    /** An admin client of this cluster, for the caller to close. */
    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(p);
    }

    /** The node that leads the most partitions of {@code topics} now. */
    public int leaderOfMostPartitions(Admin admin, Collection<String> topics) throws Exception {
        Map<Integer, Integer> led = new HashMap<>();
        for (TopicPartitionInfo p : partitions(admin, topics)) {
            if (p.leader() != null) {
                led.merge(p.leader().id(), 1, Integer::sum);
            }
        }
        return led.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** Waits until every partition of {@code topics} has all its replicas in sync again. */
    public void awaitFullyReplicated(Admin admin, Collection<String> topics, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> partitions(admin, topics).stream().allMatch(p -> p.isr().size() == p.replicas().size()));
    }

    private static List<TopicPartitionInfo> partitions(Admin admin, Collection<String> topics) throws Exception {
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
        return described.values().stream().flatMap(d -> d.partitions().stream()).toList();
    }

    @Override
    public void close() {
        // Together, as they started: a node shutting down alone waits on a quorum the others are leaving.
        running.values().forEach(n -> n.process().toHandle().destroy());
        for (ChildJvm n : running.values()) {
            try {
                if (!n.process().waitFor(60, TimeUnit.SECONDS)) {
                    n.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                n.close();
            }
        }
        running.clear();
    }
}
