package io.radflow.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
 * A copy of a compacted topic kept in memory, read from the beginning by a thread of its own (no
 * consumer group: every instance needs every key). {@link #sync()} answers "have I read
 * everything written so far?", so a reader of a setting created a moment ago waits for it instead
 * of failing. A record that does not decode is logged with its coordinates and skipped; the
 * topic's owner is responsible for it. A tombstone removes its key.
 */
public final class CompactedTopicView<V> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CompactedTopicView.class);

    private final Consumer<String, byte[]> consumer;
    private final Deserializer<V> values;
    private final Function<V, String> keyOf;
    private final String topic;
    private final Map<String, V> entries = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> syncRequests = new ConcurrentLinkedQueue<>();
    private final List<Target> targets = new ArrayList<>();
    private final CompletableFuture<Void> initialLoad;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean failed;

    private record Target(Map<TopicPartition, Long> endOffsets, CompletableFuture<Void> done) {
    }

    /**
     * @param keyOf the key a value is kept under (the record key is used for tombstones)
     * @param threadName the reader thread's name
     */
    public CompactedTopicView(Consumer<String, byte[]> consumer, Deserializer<V> values, String topic, Function<V, String> keyOf,
            String threadName) {
        this.consumer = consumer;
        this.values = values;
        this.keyOf = keyOf;
        this.topic = topic;
        this.initialLoad = new CompletableFuture<>();
        syncRequests.add(initialLoad);
        this.thread = new Thread(this::run, threadName);
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

    /** The latest value under the key, or null. */
    public V get(String key) {
        return entries.get(key);
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
                log.error("compacted topic reader stopped topic={} error={}", topic, e.toString(), e);
                IllegalStateException failure = new IllegalStateException("reader of " + topic + " stopped: " + e.getMessage(), e);
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
                entries.remove(r.key());
            }
            return;
        }
        try {
            V value = values.deserialize(r.topic(), r.value());
            entries.put(keyOf.apply(value), value);
        } catch (RuntimeException e) {
            log.warn("skipping undecodable record topic={} partition={} offset={} error={}", r.topic(), r.partition(),
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
