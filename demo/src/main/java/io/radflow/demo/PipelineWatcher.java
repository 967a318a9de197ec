package io.radflow.demo;

import io.radflow.common.config.RadflowConfig;
import io.radflow.common.kafka.KafkaClientProperties;
import io.radflow.schemaregistry.serde.AvroSerdeException;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.DeadLetterHeaders;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobFailure;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.Scope;
import io.radflow.schemas.json.PredictionJson;
import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one project's run through the pipeline from the outside, as a downstream system would:
 * reads uploads, jobs, job statuses, predictions and both dead-letter topics with
 * {@code read_committed}, writes every prediction as a JSON line, and tells when every expected
 * job has an outcome. Records of other projects (a shared cluster, a running {@code ./radflow dev})
 * are ignored.
 */
public final class PipelineWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PipelineWatcher.class);

    /** What the pipeline has done so far for the project. */
    public record Snapshot(int instancesUploaded, int markers, Map<Scope, Integer> jobs, Map<Scope, Integer> jobsDone,
                    int predictions, int deadLetters) {
    }

    private static final List<Topic<?, ?>> WATCHED = List.of(TopicCatalog.DATASET_UPLOADS, TopicCatalog.DATASET_UPLOADS_DLQ,
            TopicCatalog.INFERENCE_JOBS, TopicCatalog.JOB_STATUS, TopicCatalog.PREDICTIONS, TopicCatalog.INFERENCE_JOBS_DLQ);

    private final String project;
    private final BufferedWriter out;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<DatasetUploadEvent> uploads;
    private final Deserializer<InferenceJob> jobs;
    private final Deserializer<JobStatus> statuses;
    private final Deserializer<Prediction> predictions;
    private final Deserializer<JobFailure> failures;

    private int instancesUploaded;
    private int markers;
    private int predictionCount;
    private final Map<String, InferenceJob> jobsById = new HashMap<>();
    /** Job id -> terminal state (SUCCEEDED, FAILED); may arrive before the job itself. */
    private final Map<String, JobState> outcomes = new HashMap<>();
    private final Map<String, Long> firstPredictionAt = new HashMap<>();
    private final Map<String, Long> uploadedAt = new HashMap<>();
    /** Job id -> reason, for any project until the job is known to be this one's. */
    private final Map<String, String> jobDeadLetters = new HashMap<>();
    private final Map<String, String> uploadDeadLetters = new TreeMap<>();
    private final List<Prediction> pendingPredictions = new ArrayList<>();
    private final Map<String, Set<Scope>> scopesWithPredictions = new TreeMap<>();

    /** Starts watching from the topics' current ends: only what happens from now on counts. */
    PipelineWatcher(RadflowConfig config, TopicSerdes serdes, String project, Path output) {
        this.project = project;
        // The file first: a bad path fails before a consumer exists to leak.
        try {
            Path parent = output.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            // A stream, not a channel: an interrupt (Ctrl-C) must not close the file under the demo.
            out = new BufferedWriter(new OutputStreamWriter(new FileOutputStream(output.toFile()), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write predictions to " + output + ": " + e.getMessage(), e);
        }
        Map<String, Object> props = KafkaClientProperties.base(config);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "radflow-demo-watcher");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (Topic<?, ?> t : WATCHED) {
                consumer.partitionsFor(t.name(), Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(t.name(), p.partition())));
            }
            consumer.assign(partitions);
            // position() makes the lazy seek happen now, before anything is uploaded.
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        uploads = serdes.valueDeserializer(TopicCatalog.DATASET_UPLOADS);
        jobs = serdes.valueDeserializer(TopicCatalog.INFERENCE_JOBS);
        statuses = serdes.valueDeserializer(TopicCatalog.JOB_STATUS);
        predictions = serdes.valueDeserializer(TopicCatalog.PREDICTIONS);
        failures = serdes.valueDeserializer(TopicCatalog.INFERENCE_JOBS_DLQ);
    }

    /** Reads what the pipeline committed in the next {@code timeout} at most, and writes its predictions out. */
    void poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            try {
                handle(r);
            } catch (AvroSerdeException e) {
                // Not the demo's (the demo writes only well-formed events): another producer's record on a shared cluster.
                log.debug("skipping an undecodable record topic={} partition={} offset={} error={}", r.topic(), r.partition(),
                        r.offset(), e.getMessage());
            }
        }
        flush();
    }

    /**
     * Reads on until every topic is read up to what is committed now. A poll can hand over part
     * of a transaction (records of other partitions come with later polls); draining to the
     * committed ends after the last status was seen makes the predictions file complete.
     */
    void drainCommitted(Duration timeout) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())
                && System.nanoTime() < deadline) {
            poll(Duration.ofMillis(100));
        }
    }

    /** True when every scope has its expected number of jobs and each of them has an outcome. */
    static boolean complete(Snapshot s, Map<Scope, Integer> expected) {
        for (Map.Entry<Scope, Integer> e : expected.entrySet()) {
            int jobsOfScope = s.jobs().getOrDefault(e.getKey(), 0);
            if (jobsOfScope < e.getValue() || s.jobsDone().getOrDefault(e.getKey(), 0) < jobsOfScope) {
                return false;
            }
        }
        return true;
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        String topic = r.topic();
        if (topic.equals(TopicCatalog.DATASET_UPLOADS.name())) {
            DatasetUploadEvent e = uploads.deserialize(topic, r.value());
            if (project.equals(e.getProjectId())) {
                if (e.getPayload() instanceof DataUploaded) {
                    instancesUploaded++;
                } else {
                    markers++;
                }
            }
        } else if (topic.equals(TopicCatalog.DATASET_UPLOADS_DLQ.name())) {
            onUploadDeadLettered(r);
        } else if (topic.equals(TopicCatalog.INFERENCE_JOBS.name())) {
            InferenceJob job = jobs.deserialize(topic, r.value());
            if (project.equals(job.getProjectId())) {
                jobsById.put(job.getJobId(), job);
            }
        } else if (topic.equals(TopicCatalog.JOB_STATUS.name())) {
            JobStatus status = r.value() == null ? null : statuses.deserialize(topic, r.value());
            if (status != null && (status.getState() == JobState.SUCCEEDED || status.getState() == JobState.FAILED)) {
                outcomes.put(status.getJobId(), status.getState());
            }
        } else if (topic.equals(TopicCatalog.PREDICTIONS.name())) {
            Prediction p = predictions.deserialize(topic, r.value());
            if (project.equals(p.getProjectId())) {
                predictionCount++;
                firstPredictionAt.putIfAbsent(p.getJobId(), System.currentTimeMillis());
                uploadedAt.putIfAbsent(p.getJobId(), p.getProvenance().getUploadedAt().toEpochMilli());
                pendingPredictions.add(p);
                write(p);
            }
        } else if (topic.equals(TopicCatalog.INFERENCE_JOBS_DLQ.name())) {
            JobFailure f = failures.deserialize(topic, r.value());
            jobDeadLetters.put(f.getJobId(), f.getReason() + ": " + f.getMessage());
        }
    }

    /** An upload the trigger refused, byte for byte with its reason headers; counted when it names this project. */
    private void onUploadDeadLettered(ConsumerRecord<byte[], byte[]> r) {
        DatasetUploadEvent e;
        try {
            e = uploads.deserialize(r.topic(), r.value());
        } catch (RuntimeException undecodable) {
            return; // not one of the demo's uploads, which are all well-formed
        }
        if (e == null || !project.equals(e.getProjectId())) {
            return;
        }
        String what = e.getPayload() instanceof DataUploaded d ? "upload of instance " + d.getSopInstanceUid()
                : "upload-completed marker " + e.getEventId();
        uploadDeadLetters.put(what, header(r, DeadLetterHeaders.REASON) + ": " + header(r, DeadLetterHeaders.MESSAGE));
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
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
            if (outcomes.containsKey(job.getJobId()) || jobDeadLetters.containsKey(job.getJobId())) {
                done.merge(job.getScope(), 1, Integer::sum);
            }
        }
        return new Snapshot(instancesUploaded, markers, jobCounts, done, predictionCount, deadLetters().size());
    }

    /** Upload-to-prediction latency of each job with predictions, in milliseconds, as this reader saw it. */
    List<Long> latenciesMillis() {
        List<Long> latencies = new ArrayList<>();
        firstPredictionAt.forEach((job, at) -> latencies.add(at - uploadedAt.get(job)));
        return latencies;
    }

    /** Study UID -> the scopes that produced at least one prediction for it. */
    Map<String, Set<Scope>> scopesWithPredictions() {
        return scopesWithPredictions;
    }

    /** This project's dead letters: refused uploads, then jobs (by id) with why they failed. */
    Map<String, String> deadLetters() {
        Map<String, String> all = new LinkedHashMap<>(uploadDeadLetters);
        new TreeMap<>(jobDeadLetters).forEach((job, why) -> {
            if (jobsById.containsKey(job)) {
                all.put("job " + job, why);
            }
        });
        return all;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // the predictions already written were flushed after every poll
        }
        if (consumer != null) {
            // Closing after a Ctrl-C: leave the interrupt for the caller, not for the consumer's close.
            boolean interrupted = Thread.interrupted();
            try {
                consumer.close();
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
