package io.radflow.worker.settings;

import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's copy of the compacted {@code model-settings} topic, read from the beginning by a
 * thread of its own (no consumer group: every worker needs every model). {@link #sync()} answers
 * "have I read everything written so far?", so a job for a version created a moment ago waits for
 * the settings instead of failing. A record that does not decode is logged with its coordinates
 * and skipped; the registry owns that topic.
 */
public final class ModelSettingsView implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelSettingsView.class);

    private final Consumer<String, byte[]> consumer;
    private final Deserializer<ModelSettings> values;
    private final String topic;
    private final Map<String, ModelSettings> models = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> syncRequests = new ConcurrentLinkedQueue<>();
    private final List<Target> targets = new ArrayList<>();
    private final CompletableFuture<Void> initialLoad;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean failed;

    private record Target(Map<TopicPartition, Long> endOffsets, CompletableFuture<Void> done) {
    }

    public ModelSettingsView(Consumer<String, byte[]> consumer, Deserializer<ModelSettings> values, String topic) {
        this.consumer = consumer;
        this.values = values;
        this.topic = topic;
        this.initialLoad = new CompletableFuture<>();
        syncRequests.add(initialLoad);
        this.thread = new Thread(this::run, "worker-model-settings");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Completes once everything on the topic at start-up has been read. */
    public CompletableFuture<Void> initialLoad() {
        return initialLoad;
    }

    /** Completes once every settings record written before this call has been read. */
    public CompletableFuture<Void> sync() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        syncRequests.add(f);
        return f;
    }

    public Optional<ResolvedVersion> find(String modelId, int version) {
        ModelSettings m = models.get(modelId);
        if (m == null || m.getArchivedAt() != null) {
            return Optional.empty();
        }
        for (ModelVersion v : m.getVersions()) {
            if (v.getVersion() == version) {
                return Optional.of(new ResolvedVersion(m, v));
            }
        }
        return Optional.empty();
    }

    /** Why {@link #find} found nothing, for the job's failure message. */
    public String whyMissing(String modelId, int version) {
        ModelSettings m = models.get(modelId);
        if (m == null) {
            return "model " + modelId + " is not in the model settings";
        }
        if (m.getArchivedAt() != null) {
            return "model " + modelId + " is archived (deleted) since " + m.getArchivedAt();
        }
        return "model " + modelId + " has no version " + version + " (versions "
                + m.getVersions().stream().map(ModelVersion::getVersion).toList() + ")";
    }

    public boolean healthy() {
        return !failed && thread.isAlive();
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                CompletableFuture<Void> request;
                if (!syncRequests.isEmpty()) {
                    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
                    while ((request = syncRequests.poll()) != null) {
                        targets.add(new Target(end, request));
                    }
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(targets.isEmpty() ? 500 : 20))) {
                    apply(r);
                }
                completeReachedTargets();
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                failed = true;
                log.error("model settings reader stopped topic={} error={}", topic, e.toString(), e);
                IllegalStateException failure = new IllegalStateException("model settings reader stopped: " + e.getMessage(), e);
                targets.forEach(t -> t.done().completeExceptionally(failure));
                syncRequests.forEach(f -> f.completeExceptionally(failure));
            }
        } finally {
            consumer.close();
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            if (r.key() != null) {
                models.remove(r.key());
            }
            return;
        }
        try {
            ModelSettings m = values.deserialize(r.topic(), r.value());
            models.put(m.getModelId(), m);
        } catch (RuntimeException e) {
            log.warn("skipping undecodable model settings topic={} partition={} offset={} error={}", r.topic(), r.partition(),
                    r.offset(), e.getMessage());
        }
    }

    private void completeReachedTargets() {
        Map<TopicPartition, Long> positions = new HashMap<>();
        targets.removeIf(t -> {
            for (Map.Entry<TopicPartition, Long> e : t.endOffsets().entrySet()) {
                long position = positions.computeIfAbsent(e.getKey(), consumer::position);
                if (position < e.getValue()) {
                    return false;
                }
            }
            t.done().complete(null);
            return true;
        });
    }

    @Override
    public void close() {
        running = false;
        if (thread.getState() == Thread.State.NEW) {
            consumer.close();
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
