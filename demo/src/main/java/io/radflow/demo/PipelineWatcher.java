package io.radflow.demo;

import io.radflow.common.config.RadflowConfig;
import io.radflow.common.kafka.KafkaClientProperties;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobFailure;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.Scope;
import io.radflow.schemas.json.PredictionJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Watches the pipeline from the outside, as a downstream system would: reads uploads, jobs,
 * predictions and dead letters with {@code read_committed}, writes every prediction as a JSON
 * line, and tells when every expected job has an outcome (predictions or a dead letter).
 */
public final class PipelineWatcher implements AutoCloseable {

    /** What the pipeline has done so far. */
    public record Snapshot(int instancesUploaded, int markers, Map<Scope, Integer> jobs, Map<Scope, Integer> jobsDone,
                    int predictions, int deadLetters) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<DatasetUploadEvent> uploads;
    private final Deserializer<InferenceJob> jobs;
    private final Deserializer<Prediction> predictions;
    private final Deserializer<JobFailure> failures;
    private final BufferedWriter out;

    private int instancesUploaded;
    private int markers;
    private int predictionCount;
    private final Map<String, InferenceJob> jobsById = new HashMap<>();
    private final Map<String, Long> firstPredictionAt = new HashMap<>();
    private final Map<String, Long> uploadedAt = new HashMap<>();
    private final Map<String, String> deadLetters = new TreeMap<>();
    private final List<Prediction> pendingPredictions = new ArrayList<>();
    private final Map<String, Set<Scope>> scopesWithPredictions = new TreeMap<>();

    PipelineWatcher(RadflowConfig config, TopicSerdes serdes, Path output) {
        Map<String, Object> props = KafkaClientProperties.base(config);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "radflow-demo-watcher");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (Topic<?, ?> t : List.of(TopicCatalog.DATASET_UPLOADS, TopicCatalog.INFERENCE_JOBS, TopicCatalog.PREDICTIONS,
                TopicCatalog.INFERENCE_JOBS_DLQ)) {
            consumer.partitionsFor(t.name(), Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(t.name(), p.partition())));
        }
        consumer.assign(partitions);
        // Only what happens from now on counts: the cluster may hold earlier runs (./radflow dev,
        // an external cluster). position() makes the lazy seek happen before anything is uploaded.
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        uploads = serdes.valueDeserializer(TopicCatalog.DATASET_UPLOADS);
        jobs = serdes.valueDeserializer(TopicCatalog.INFERENCE_JOBS);
        predictions = serdes.valueDeserializer(TopicCatalog.PREDICTIONS);
        failures = serdes.valueDeserializer(TopicCatalog.INFERENCE_JOBS_DLQ);
        try {
            Files.createDirectories(output.toAbsolutePath().getParent());
            out = Files.newBufferedWriter(output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write predictions to " + output, e);
        }
    }

    /**
     * Reads until every scope has its expected number of jobs and each job has an outcome, or the
     * timeout passes. Calls {@code progress} after every poll.
     *
     * @return true when complete
     */
    boolean awaitCompletion(Map<Scope, Integer> expectedJobs, Duration timeout, Consumer<Snapshot> progress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                handle(r);
            }
            flush();
            Snapshot s = snapshot();
            progress.accept(s);
            if (complete(s, expectedJobs)) {
                return true;
            }
        }
        return false;
    }

    private static boolean complete(Snapshot s, Map<Scope, Integer> expected) {
        for (Map.Entry<Scope, Integer> e : expected.entrySet()) {
            if (s.jobs().getOrDefault(e.getKey(), 0) < e.getValue() || s.jobsDone().getOrDefault(e.getKey(), 0) < s.jobs().getOrDefault(e.getKey(), 0)) {
                return false;
            }
        }
        return true;
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        String topic = r.topic();
        if (topic.equals(TopicCatalog.DATASET_UPLOADS.name())) {
            DatasetUploadEvent e = uploads.deserialize(topic, r.value());
            if (e.getPayload() instanceof DataUploaded) {
                instancesUploaded++;
            } else {
                markers++;
            }
        } else if (topic.equals(TopicCatalog.INFERENCE_JOBS.name())) {
            InferenceJob job = jobs.deserialize(topic, r.value());
            jobsById.put(job.getJobId(), job);
        } else if (topic.equals(TopicCatalog.PREDICTIONS.name())) {
            Prediction p = predictions.deserialize(topic, r.value());
            predictionCount++;
            firstPredictionAt.putIfAbsent(p.getJobId(), System.currentTimeMillis());
            uploadedAt.putIfAbsent(p.getJobId(), p.getProvenance().getUploadedAt().toEpochMilli());
            pendingPredictions.add(p);
            write(p);
        } else if (topic.equals(TopicCatalog.INFERENCE_JOBS_DLQ.name())) {
            JobFailure f = failures.deserialize(topic, r.value());
            deadLetters.put(f.getJobId(), f.getReason() + ": " + f.getMessage());
        }
    }

    private void write(Prediction p) {
        try {
            out.write(PredictionJson.toLine(p));
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the predictions file", e);
        }
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the predictions file", e);
        }
        // Predictions can be read before their job (different topics): attribute them once the job is known.
        pendingPredictions.removeIf(p -> {
            InferenceJob job = jobsById.get(p.getJobId());
            if (job == null) {
                return false;
            }
            scopesWithPredictions.computeIfAbsent(p.getStudyInstanceUid(), s -> new TreeSet<>()).add(job.getScope());
            return true;
        });
    }

    Snapshot snapshot() {
        Map<Scope, Integer> jobCounts = new EnumMap<>(Scope.class);
        Map<Scope, Integer> done = new EnumMap<>(Scope.class);
        for (InferenceJob job : jobsById.values()) {
            jobCounts.merge(job.getScope(), 1, Integer::sum);
            if (firstPredictionAt.containsKey(job.getJobId()) || deadLetters.containsKey(job.getJobId())) {
                done.merge(job.getScope(), 1, Integer::sum);
            }
        }
        return new Snapshot(instancesUploaded, markers, jobCounts, done, predictionCount, deadLetters.size());
    }

    /** Upload-to-prediction latency of each job with predictions, in milliseconds. */
    List<Long> latenciesMillis() {
        List<Long> latencies = new ArrayList<>();
        firstPredictionAt.forEach((job, at) -> latencies.add(at - uploadedAt.get(job)));
        return latencies;
    }

    /** Study UID -> the scopes that produced at least one prediction for it. */
    Map<String, Set<Scope>> scopesWithPredictions() {
        return scopesWithPredictions;
    }

    /** Job id -> why it went to the DLQ. */
    Map<String, String> deadLetters() {
        return deadLetters;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // the predictions already written were flushed after every poll
        }
        consumer.close();
    }
}
