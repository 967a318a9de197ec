package io.radflow.devstack;

import io.radflow.common.io.Directories;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka node (KRaft, combined broker and controller) running in this JVM on 127.0.0.1: a
 * single-node cluster by {@link #start(Path, int)}, or one node of an {@link EmbeddedKafkaCluster}.
 * Ports and log directory stay the same across {@link #restart()}, so clients reconnect to the
 * same address and find their data, as after a real broker restart.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String CONTROLLER = "CONTROLLER";

    /** Where a node is in its cluster: its id, every controller's address, the cluster's id and size. */
    record Membership(int nodeId, String quorumVoters, String clusterId, int clusterSize) {

        static Membership single(int controllerPort) {
            return new Membership(1, "1@127.0.0.1:" + controllerPort, Uuid.randomUuid().toString(), 1);
        }

        /** Internal topics replicate to every node, up to three, and need two in sync once there are three. */
        int replicationFactor() {
            return Math.min(3, clusterSize);
        }

        int minInSyncReplicas() {
            return clusterSize >= 3 ? 2 : 1;
        }
    }

    private final Path logDir;
    private final boolean deleteLogDirOnClose;
    private final int brokerPort;
    private final int controllerPort;
    private final Membership membership;
    private KafkaRaftServer server;

    private EmbeddedKafka(Path logDir, boolean deleteLogDirOnClose, int brokerPort, int controllerPort, Membership membership) {
        this.logDir = logDir;
        this.deleteLogDirOnClose = deleteLogDirOnClose;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.membership = membership;
    }

    /**
     * @param dataDir    where to keep the log; null for a temporary directory deleted on close
     * @param brokerPort 0 for a free port
     */
    public static EmbeddedKafka start(Path dataDir, int brokerPort) {
        Path dir = dataDir != null ? dataDir : TempDirs.create("radflow-kafka-");
        int controllerPort = FreePorts.pick();
        EmbeddedKafka kafka = new EmbeddedKafka(dir, dataDir == null, brokerPort > 0 ? brokerPort : FreePorts.pick(), controllerPort,
                Membership.single(controllerPort));
        try {
            kafka.format();
            kafka.startServer();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    /** A node of a cluster, formatted but not started: a KRaft node's start-up waits for a quorum of its controllers. */
    static EmbeddedKafka formattedNode(Path logDir, int brokerPort, int controllerPort, Membership membership) {
        EmbeddedKafka node = new EmbeddedKafka(logDir, true, brokerPort, controllerPort, membership);
        node.format();
        return node;
    }

    /**
     * One node of a cluster whose nodes run in separate processes (a broker to SIGKILL): formatted
     * unless it was already (a restart finds its data), not started, its log kept on close.
     *
     * @param quorumVoters every controller as {@code id@host:port}, comma-separated
     */
    public static EmbeddedKafka clusterNode(Path logDir, int brokerPort, int controllerPort, int nodeId, String quorumVoters,
                                            String clusterId, int clusterSize) {
        EmbeddedKafka node = new EmbeddedKafka(logDir, false, brokerPort, controllerPort,
                new Membership(nodeId, quorumVoters, clusterId, clusterSize));
        node.format();
        return node;
    }

    /** {@code controller.quorum.voters} of nodes 1 to N whose controllers listen on these ports of 127.0.0.1. */
    public static String quorumVoters(List<Integer> controllerPorts) {
        return IntStream.range(0, controllerPorts.size()).mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts.get(i))
                .collect(Collectors.joining(","));
    }

    int nodeId() {
        return membership.nodeId();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public Path logDir() {
        return logDir;
    }

    private Properties config() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(membership.nodeId()));
        p.put("controller.quorum.voters", membership.quorumVoters());
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + "," + CONTROLLER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", CONTROLLER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // Internal topics sized to the cluster: with one broker they must accept a single replica, or EOS hangs silently.
        String rf = Integer.toString(membership.replicationFactor());
        String minIsr = Integer.toString(membership.minInSyncReplicas());
        p.put("offsets.topic.replication.factor", rf);
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", rf);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", rf);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", rf);
        p.put("min.insync.replicas", minIsr);
        // Topics come from the catalog; a typo must fail instead of creating a stray topic.
        p.put("auto.create.topics.enable", "false");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        p.put("log.segment.delete.delay.ms", "1000");
        return p;
    }

    private void format() {
        KafkaConfig config = new KafkaConfig(config(), false);
        try {
            new Formatter()
                    .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                    .setNodeId(membership.nodeId())
                    .setClusterId(membership.clusterId())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setControllerListenerName(CONTROLLER)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
        }
    }

    void startServer() {
        long t0 = System.nanoTime();
        server = new KafkaRaftServer(new KafkaConfig(config(), false), Time.SYSTEM);
        server.startup();
        log.info("embedded Kafka started bootstrapServers={} logDir={} startupMs={}", bootstrapServers(), logDir,
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** Stops the broker, keeping its data; {@link #start()} brings it back on the same port. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
            log.info("embedded Kafka stopped bootstrapServers={}", bootstrapServers());
        }
    }

    public synchronized void start() {
        if (server == null) {
            startServer();
        }
    }

    public void restart() {
        stop();
        start();
    }

    public synchronized boolean running() {
        return server != null;
    }

    @Override
    public void close() {
        stop();
        if (deleteLogDirOnClose) {
            Directories.deleteQuietly(logDir);
        }
    }
}
