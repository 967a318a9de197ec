package io.radflow.runs.replay;

import io.radflow.common.config.RadflowConfig;
import io.radflow.common.kafka.KafkaClientProperties;
import io.radflow.common.kafka.TopicSnapshot;
import io.radflow.runs.replay.ReplayItem.Decision;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.ReplayedDeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes dead letters again once their cause is fixed: each to the topic it was first
 * consumed from, with a record in {@code dead-letter-replays} written in the same transaction.
 *
 * <p>The rules, so that a replay never does harm:
 * <ul>
 *   <li>a dead letter is replayed at most once (the replay log says which were); if it fails
 *       again, that failure is a new dead letter, replayable in its turn;</li>
 *   <li>a job that succeeded since is never run again, nor one that is queued or running (its
 *       latest {@code job-status}); a replayed job is reported QUEUED at once, so a second replay
 *       started before it ran leaves it alone;</li>
 *   <li>of several dead letters of one job only the latest is replayed.</li>
 * </ul>
 * Two replays of one topic at the same time are serialized by the transactional id: the second
 * fences the first (whose transaction aborts) before it reads the replay log.
 */
public final class DeadLetterReplay {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterReplay.class);

    /** The dead-letter topics that can be replayed. */
    public static final List<Topic<?, ?>> REPLAYABLE = List.of(TopicCatalog.INFERENCE_JOBS_DLQ, TopicCatalog.DATASET_UPLOADS_DLQ);

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private static final Set<JobState> PENDING = Set.of(JobState.QUEUED, JobState.RUNNING, JobState.RETRYING);

    private final RadflowConfig config;
    private final TopicSerdes serdes;
    private final DeadLetterDecoder decoder;
    private final String user;

    public DeadLetterReplay(RadflowConfig config, TopicSerdes serdes, String user) {
        this.config = config;
        this.serdes = serdes;
        this.decoder = new DeadLetterDecoder(serdes);
        this.user = user;
    }

    /**
     * Replays the dead letters of {@code topic} that pass the filter, or with {@code dryRun} only
     * says what it would do. Returns one item per dead letter that passed the filter, in topic order.
     *
     * @throws IllegalArgumentException for a topic that is not one of {@link #REPLAYABLE}
     * @throws KafkaException when the cluster cannot be read or the transaction fails (then nothing was replayed)
     */
    public List<ReplayItem> replay(Topic<?, ?> topic, ReplayFilter filter, boolean dryRun) {
        if (!REPLAYABLE.contains(topic)) {
            throw new IllegalArgumentException("cannot replay " + topic.name() + ": only " + REPLAYABLE.stream().map(Topic::name).toList());
        }
        Function<ConsumerRecord<byte[], byte[]>, DeadLetter> decode =
                topic == TopicCatalog.INFERENCE_JOBS_DLQ ? decoder::job : decoder::upload;
        try (KafkaProducer<byte[], byte[]> producer = dryRun ? null : producer(topic)) {
            if (producer != null) {
                producer.initTransactions(); // before reading the log: fences a replay of this topic still under way
            }
            Set<String> replayed = replayLog();
            List<DeadLetter> letters = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                TopicSnapshot.read(consumer, topic.name(), READ_TIMEOUT, r -> {
                    DeadLetter d = decode.apply(r);
                    if (filter.matches(d)) {
                        letters.add(d);
                    }
                });
            }
            Map<String, JobState> states = latestStates(letters);
            List<ReplayItem> items = decide(letters, replayed, states, dryRun);
            if (producer != null) {
                publish(producer, letters, items);
            }
            return items;
        }
    }

    private List<ReplayItem> decide(List<DeadLetter> letters, Set<String> replayed, Map<String, JobState> states, boolean dryRun) {
        Map<String, DeadLetter> latestOfJob = new HashMap<>();
        for (DeadLetter d : letters) {
            if (d.jobId() != null) {
                latestOfJob.merge(d.jobId(), d, (a, b) -> b.failedAt().isBefore(a.failedAt()) ? a : b);
            }
        }
        List<ReplayItem> items = new ArrayList<>();
        for (DeadLetter d : letters) {
            JobState state = d.jobId() == null ? null : states.get(d.jobId());
            DeadLetter latest = d.jobId() == null ? d : latestOfJob.get(d.jobId());
            if (d.replay().isEmpty()) {
                items.add(ReplayItem.of(d, Decision.NOT_REPLAYABLE, d.notReplayable()));
            } else if (replayed.contains(d.coordinates())) {
                items.add(ReplayItem.of(d, Decision.ALREADY_REPLAYED, "replayed before"));
            } else if (latest != d) {
                items.add(ReplayItem.of(d, Decision.SUPERSEDED, "job " + d.jobId() + " failed again later, at " + latest.coordinates()));
            } else if (state == JobState.SUCCEEDED) {
                items.add(ReplayItem.of(d, Decision.SUCCEEDED_SINCE, "job " + d.jobId() + " succeeded since"));
            } else if (state != null && PENDING.contains(state)) {
                items.add(ReplayItem.of(d, Decision.PENDING, "job " + d.jobId() + " is " + state + " now"));
            } else {
                String target = d.replay().get(0).topic();
                items.add(ReplayItem.of(d, dryRun ? Decision.WOULD_REPLAY : Decision.REPLAYED, "to " + target));
            }
        }
        return items;
    }

    private void publish(KafkaProducer<byte[], byte[]> producer, List<DeadLetter> letters, List<ReplayItem> items) {
        if (items.stream().noneMatch(i -> i.decision() == Decision.REPLAYED)) {
            return;
        }
        producer.beginTransaction();
        try {
            Instant now = Instant.now();
            for (int i = 0; i < letters.size(); i++) {
                if (items.get(i).decision() != Decision.REPLAYED) {
                    continue;
                }
                DeadLetter d = letters.get(i);
                d.replay().forEach(producer::send);
                ReplayedDeadLetter entry = ReplayedDeadLetter.newBuilder().setDeadLetterTopic(d.topic()).setPartition(d.partition())
                        .setOffset(d.offset()).setKey(d.key()).setReason(d.reason()).setTargetTopic(d.replay().get(0).topic())
                        .setReplayedBy(user).setReplayedAt(now).build();
                producer.send(new ProducerRecord<>(TopicCatalog.DEAD_LETTER_REPLAYS.name(), d.coordinates().getBytes(StandardCharsets.UTF_8),
                        serdes.valueSerializer(TopicCatalog.DEAD_LETTER_REPLAYS).serialize(TopicCatalog.DEAD_LETTER_REPLAYS.name(), entry)));
            }
            producer.commitTransaction();
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException ignored) {
                // fenced or closed: the transaction is aborted by whoever fenced it
            }
            throw new KafkaException("the replay was not published (nothing was replayed): " + e.getMessage(), e);
        }
        log.info("dead letters replayed count={}", items.stream().filter(i -> i.decision() == Decision.REPLAYED).count());
    }

    private Set<String> replayLog() {
        Set<String> keys = new HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicSnapshot.read(consumer, TopicCatalog.DEAD_LETTER_REPLAYS.name(), READ_TIMEOUT, r -> {
                if (r.value() == null) {
                    keys.remove(r.key());
                } else {
                    keys.add(r.key());
                }
            });
        }
        return keys;
    }

    /** The latest job-status state of the jobs among {@code letters}. */
    private Map<String, JobState> latestStates(List<DeadLetter> letters) {
        Set<String> jobs = new HashSet<>();
        letters.stream().filter(d -> d.jobId() != null).forEach(d -> jobs.add(d.jobId()));
        Map<String, JobState> states = new HashMap<>();
        if (jobs.isEmpty()) {
            return states;
        }
        try (KafkaConsumer<String, JobStatus> consumer = consumer(new StringDeserializer(),
                serdes.valueDeserializer(TopicCatalog.JOB_STATUS))) {
            TopicSnapshot.read(consumer, TopicCatalog.JOB_STATUS.name(), READ_TIMEOUT, r -> {
                if (jobs.contains(r.key()) && r.value() != null) {
                    states.put(r.key(), r.value().getState());
                }
            });
        }
        return states;
    }

    private <K, V> KafkaConsumer<K, V> consumer(Deserializer<K> keys, Deserializer<V> values) {
        Map<String, Object> props = KafkaClientProperties.base(config);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "radflow-dlq-replay");
        return new KafkaConsumer<>(props, keys, values);
    }

    private KafkaProducer<byte[], byte[]> producer(Topic<?, ?> topic) {
        Map<String, Object> props = KafkaClientProperties.base(config);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "radflow-dlq-replay-" + topic.name());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "radflow-dlq-replay");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
