package io.radflow.testsupport;

import io.radflow.devstack.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * One KRaft node (combined broker and controller) of a {@link KafkaProcessCluster}, in a JVM of its
 * own so that a test can SIGKILL it. Prints {@value #STARTED} once it serves; SIGTERM shuts it
 * down in order (a controlled shutdown that moves its leaderships away first), keeping its log.
 *
 * <p>Arguments: log directory, broker port, controller port, node id, quorum voters, cluster id,
 * cluster size.
 */
public final class KafkaNodeMain {

    static final String STARTED = "KAFKA NODE STARTED";

    private KafkaNodeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 7) {
            throw new IllegalArgumentException("usage: LOG_DIR BROKER_PORT CONTROLLER_PORT NODE_ID VOTERS CLUSTER_ID CLUSTER_SIZE");
        }
        EmbeddedKafka node = EmbeddedKafka.clusterNode(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                Integer.parseInt(args[3]), args[4], args[5], Integer.parseInt(args[6]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.stop();
            stopped.countDown();
        }, "kafka-node-shutdown"));
        node.start();
        System.out.println(STARTED);
        System.out.flush();
        stopped.await();
    }
}
