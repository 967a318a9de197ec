package io.radflow.bench.latency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a chain of topics as a downstream application does ({@code read_committed}, from their
 * end) and notes when each tracked item first becomes visible on each: an item is whatever names
 * one upload along the chain (its SOP Instance UID), found in each stage's records by that stage's
 * function.
 */
final class VisibilityWatcher implements AutoCloseable {

    /** One topic of the chain and how to find the item a record belongs to (null: not a tracked record). */
    record Stage(String topic, Function<ConsumerRecord<String, byte[]>, String> itemOf) {
    }

    /** When one item became visible on each stage, in {@link System#nanoTime()}, 0 until it has. */
    static final class Sighting {
        private final long sentAt;
        private final AtomicLongArray visibleAt;
        private final CountDownLatch done = new CountDownLatch(1);

        private Sighting(long sentAt, int stages) {
            this.sentAt = sentAt;
            this.visibleAt = new AtomicLongArray(stages);
        }

        /** Milliseconds from the send to the last stage, then from the send to the first stage and between each stage and the next. */
        double[] millis() {
            double[] ms = new double[visibleAt.length() + 1];
            long previous = sentAt;
            for (int i = 0; i < visibleAt.length(); i++) {
                ms[i + 1] = (visibleAt.get(i) - previous) / 1e6;
                previous = visibleAt.get(i);
            }
            ms[0] = (previous - sentAt) / 1e6;
            return ms;
        }
    }

    private final List<Stage> stages;
    private final Map<String, Integer> stageOfTopic = new HashMap<>();
    private final Map<String, Sighting> tracked = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    VisibilityWatcher(String bootstrap, List<Stage> stages) {
        this.stages = List.copyOf(stages);
        for (int i = 0; i < stages.size(); i++) {
            stageOfTopic.put(stages.get(i).topic(), i);
        }
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrap);
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", false);
        // The watcher must not add latency of its own: a fetch with nothing new comes back at once.
        props.put("fetch.max.wait.ms", 5);
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (Stage s : stages) {
            consumer.partitionsFor(s.topic(), Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end now, before anything is sent
        thread = new Thread(this::watch, "latency-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    /** Call just before sending the item's first record: its clock starts now. */
    Sighting track(String item) {
        Sighting s = new Sighting(System.nanoTime(), stages.size());
        tracked.put(item, s);
        return s;
    }

    /** Waits until the item is visible on the last stage. */
    void await(String item, Sighting sighting, Duration timeout) throws InterruptedException {
        if (!sighting.done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(item + " was not visible on " + stages.get(stages.size() - 1).topic() + " within " + timeout
                    + " (visible so far: " + sighting.visibleAt + ")");
        }
    }

    private void watch() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    int stage = stageOfTopic.get(r.topic());
                    String item = stages.get(stage).itemOf().apply(r);
                    Sighting s = item == null ? null : tracked.get(item);
                    if (s != null && s.visibleAt.compareAndSet(stage, 0, now) && stage == stages.size() - 1) {
                        s.done.countDown();
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
        consumer.close();
    }
}
