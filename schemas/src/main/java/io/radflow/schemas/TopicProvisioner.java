package io.radflow.schemas;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.common.kafka.KafkaClientProperties;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the catalog's topics that a cluster lacks, or, where services must not create topics
 * ({@code topics.create} off), checks that they exist. Existing topics are left alone (a production
 * cluster may have more partitions on purpose); fewer partitions than the catalog asks for is
 * logged because it caps consumer parallelism.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final Duration LEADER_WAIT = Duration.ofSeconds(30);

    private TopicProvisioner() {
    }

    /**
     * What a service does with its topics at start-up: creates the missing ones when
     * {@link CommonConfig#TOPICS_CREATE} is on, otherwise only checks that all exist.
     *
     * @throws RadflowException BAD_CONFIG naming the missing topics and the setting
     */
    public static void prepare(RadflowConfig config, Collection<Topic<?, ?>> topics) {
        try (Admin admin = Admin.create(KafkaClientProperties.base(config))) {
            prepare(admin, topics, config);
        }
    }

    /** {@link #prepare(RadflowConfig, Collection)} with an admin client of the caller's. */
    public static void prepare(Admin admin, Collection<Topic<?, ?>> topics, RadflowConfig config) {
        if (config.get(CommonConfig.TOPICS_CREATE)) {
            // Replication factor -1: the broker's default. Existing topics are left as they are.
            ensure(admin, topics, (short) -1);
        } else {
            requireExisting(admin, topics);
        }
    }

    /** @throws RadflowException BAD_CONFIG naming the topics the cluster lacks */
    public static void requireExisting(Admin admin, Collection<Topic<?, ?>> topics) {
        Set<String> existing;
        try {
            existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the cluster's topics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        }
        List<String> missing = topics.stream().map(Topic::name).filter(n -> !existing.contains(n)).distinct().sorted().toList();
        if (!missing.isEmpty()) {
            String key = CommonConfig.TOPICS_CREATE.name();
            throw new RadflowException(Reason.BAD_CONFIG, "missing topic" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                    + ": create " + (missing.size() == 1 ? "it" : "them") + " (./radflow topics create, or the cluster's own tooling), or set "
                    + key + "=true (" + CommonConfig.TOPICS_CREATE.envName() + "=true) to let services create missing topics");
        }
    }

    /** @return the names of the topics that were created */
    public static List<String> ensure(Admin admin, Collection<Topic<?, ?>> topics, short replicationFactor) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name()))
                    .map(t -> t.newTopic(replicationFactor)).toList();
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            List<String> present = topics.stream().map(Topic::name).filter(existing::contains).toList();
            if (!present.isEmpty()) {
                Map<String, TopicDescription> described = admin.describeTopics(present).allTopicNames().get(30, TimeUnit.SECONDS);
                for (Topic<?, ?> t : topics) {
                    TopicDescription d = described.get(t.name());
                    if (d != null && d.partitions().size() < t.partitions()) {
                        log.warn("topic has fewer partitions than the catalog asks for topic={} partitions={} catalogPartitions={}",
                                t.name(), d.partitions().size(), t.partitions());
                    }
                }
            }
            List<String> created = missing.stream().map(NewTopic::name).toList();
            if (!created.isEmpty()) {
                awaitLeaders(admin, created);
                log.info("created topics {}", created);
            }
            return created;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the catalog's topics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * Waits until the broker leads every partition of the new topics. A topic is described with its
     * leaders a moment before the leading broker serves them, and a producer writing in that gap gets
     * NOT_LEADER_OR_FOLLOWER; with several requests in flight, an idempotent producer's retried first
     * batch then lands behind a later one and is refused as out of order on every retry (Kafka 4.3.1,
     * reproduced by TopicsCommandIT). Listing the partitions' end offsets is answered by the leader
     * itself, so once that succeeds a write will too.
     */
    private static void awaitLeaders(Admin admin, List<String> names) throws InterruptedException {
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames()
                        .get(remainingSeconds(deadline), TimeUnit.SECONDS);
                if (described.values().stream().allMatch(TopicProvisioner::allLed)) {
                    Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                    described.values().forEach(t -> t.partitions().forEach(
                            p -> partitions.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest())));
                    admin.listOffsets(partitions).all().get(remainingSeconds(deadline), TimeUnit.SECONDS);
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // Not described or not led yet: ask again below.
                log.debug("new topics not ready yet topics={} error={}", names, e.toString());
            }
            if (System.nanoTime() > deadline) {
                log.warn("new topics still have partitions without a serving leader topics={} waited={}", names, LEADER_WAIT);
                return;
            }
            Thread.sleep(50);
        }
    }

    private static long remainingSeconds(long deadlineNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadlineNanos - System.nanoTime()));
    }

    private static boolean allLed(TopicDescription topic) {
        return topic.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    }
}
