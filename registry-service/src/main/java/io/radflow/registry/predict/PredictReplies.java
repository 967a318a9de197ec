package io.radflow.registry.predict;

import io.radflow.registry.RegistryMetrics;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.Prediction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one reply reader of a registry instance for synchronous predict requests: a
 * {@code read_committed} consumer (no group: every partition assigned) of {@code predictions} and
 * {@code job-status}, positioned at the end of both topics before the first request can be sent,
 * that hands each finished job's outcome to the request waiting for it (by job id, which is the
 * request's correlation id). N concurrent requests share it; records of jobs nobody waits for are
 * skipped, and while nobody waits nothing is decoded.
 *
 * <p>The worker writes a job's predictions and its SUCCEEDED status in one transaction, but on two
 * topics, so either may be polled first: a job is answered when its final status is there and, for
 * SUCCEEDED, as many predictions as the status counts.
 */
public final class PredictReplies implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PredictReplies.class);

    /** A finished job: its final status (SUCCEEDED or FAILED) and its predictions in output order. */
    public record Outcome(JobStatus status, List<Prediction> predictions) {
    }

    private static final class Pending {
        final CompletableFuture<Outcome> future = new CompletableFuture<>();
        final List<Prediction> predictions = new ArrayList<>();
        JobStatus last;
    }

    private final Consumer<String, byte[]> consumer;
    private final Deserializer<Prediction> predictions;
    private final Deserializer<JobStatus> statuses;
    private final RegistryMetrics metrics;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean failed;

    /**
     * Assigns every partition of both topics and fixes the positions at their ends before
     * returning, so a job published after this constructor returns is never missed.
     */
    public PredictReplies(Consumer<String, byte[]> consumer, Deserializer<Prediction> predictions, Deserializer<JobStatus> statuses,
                          RegistryMetrics metrics) {
        this.consumer = consumer;
        this.predictions = predictions;
        this.statuses = statuses;
        this.metrics = metrics;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(TopicCatalog.PREDICTIONS.name(), TopicCatalog.JOB_STATUS.name())) {
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // seekToEnd is lazy: resolve every position now, not at the first poll after a request was sent.
        partitions.forEach(tp -> consumer.position(tp, Duration.ofSeconds(30)));
        thread = new Thread(this::loop, "radflow-registry-predict-replies");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Registers interest in a job; call it before the job is published. The future completes with
     * the job's outcome; {@link #forget} it when the caller stops waiting.
     */
    public CompletableFuture<Outcome> await(String jobId) {
        Pending p = new Pending();
        if (pending.putIfAbsent(jobId, p) != null) {
            throw new IllegalStateException("already waiting for job " + jobId);
        }
        return p.future;
    }

    /** Stops waiting for a job (answered, timed out or not published); its late records are skipped. */
    public void forget(String jobId) {
        pending.remove(jobId);
    }

    /** Requests waiting now. */
    public int waiting() {
        return pending.size();
    }

    public boolean healthy() {
        return running && !failed && thread.isAlive();
    }

    private void loop() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (pending.isEmpty()) {
                    continue;
                }
                for (ConsumerRecord<String, byte[]> r : records) {
                    handle(r);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                failed = true;
                log.error("predict reply reader woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            failed = true;
            log.error("predict reply reader stopped; predict requests will time out error={}", e.toString(), e);
            pending.values().forEach(p -> p.future.completeExceptionally(e));
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return;
        }
        boolean isStatus = r.topic().equals(TopicCatalog.JOB_STATUS.name());
        // job-status is keyed by job id: skip without decoding what nobody waits for.
        if (isStatus && r.key() != null && !pending.containsKey(r.key())) {
            return;
        }
        try {
            if (isStatus) {
                JobStatus s = statuses.deserialize(r.topic(), r.headers(), r.value());
                Pending p = s == null ? null : pending.get(s.getJobId());
                if (p != null && (s.getState() == JobState.SUCCEEDED || s.getState() == JobState.FAILED)) {
                    p.last = s;
                    complete(p);
                }
            } else {
                Prediction pr = predictions.deserialize(r.topic(), r.headers(), r.value());
                Pending p = pr == null ? null : pending.get(pr.getJobId());
                if (p != null) {
                    p.predictions.add(pr);
                    complete(p);
                }
            }
        } catch (RuntimeException e) {
            metrics.undecodablePredictReply(r.topic());
            log.warn("cannot decode a {} record for a predict request; skipped partition={} offset={} error={}",
                    r.topic(), r.partition(), r.offset(), e.toString());
        }
    }

    private static void complete(Pending p) {
        JobStatus s = p.last;
        if (s == null) {
            return;
        }
        if (s.getState() == JobState.FAILED || p.predictions.size() >= s.getPredictionCount()) {
            List<Prediction> out = new ArrayList<>(p.predictions);
            out.sort(Comparator.comparingInt(Prediction::getOutputIndex));
            p.future.complete(new Outcome(s, List.copyOf(out)));
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
