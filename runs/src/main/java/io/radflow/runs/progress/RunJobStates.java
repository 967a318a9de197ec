package io.radflow.runs.progress;

import io.radflow.runs.plan.RunPlanner;
import io.radflow.schemas.avro.JobStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest status of every job of every run, read from {@code job-status} (compacted, keyed by
 * job id) from its beginning by a consumer of its own, without a group: each process that answers
 * for runs holds them all. Only run jobs are kept ({@link RunPlanner#prefix}), so the memory is
 * bounded by what runs asked for, not by auto-run's traffic.
 */
public final class RunJobStates implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunJobStates.class);

    private final Consumer<String, JobStatus> consumer;
    private final String topic;
    private final Map<String, Map<String, JobStatus>> byRun = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean failed;

    public RunJobStates(Consumer<String, JobStatus> consumer, String topic) {
        this.consumer = consumer;
        this.topic = topic;
        this.thread = new Thread(this::run, "run-job-states");
        this.thread.setDaemon(true);
    }

    public RunJobStates start() {
        thread.start();
        return this;
    }

    /** Job id -> latest status, of the jobs of this run that have reported one. */
    public Map<String, JobStatus> of(String runId) {
        return Map.copyOf(byRun.getOrDefault(runId, Map.of()));
    }

    public boolean healthy() {
        return !failed && thread.isAlive();
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                for (ConsumerRecord<String, JobStatus> r : consumer.poll(Duration.ofMillis(500))) {
                    String runId = RunPlanner.runIdOf(r.key());
                    if (runId != null && r.value() != null) {
                        byRun.computeIfAbsent(runId, k -> new ConcurrentHashMap<>()).put(r.key(), r.value());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failed = true;
            log.error("run job states stopped error={}", e.toString(), e);
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
