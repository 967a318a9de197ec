package io.radflow.exporter;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.common.kafka.CompactedTopicView;
import io.radflow.common.kafka.KafkaClientProperties;
import io.radflow.common.kafka.TopicSnapshot;
import io.radflow.common.lifecycle.ManagedService;
import io.radflow.common.metrics.MetricsEndpoint;
import io.radflow.common.metrics.MetricsSetup;
import io.radflow.content.ContentReaderFactory;
import io.radflow.content.ContentReaders;
import io.radflow.content.FileContentStore;
import io.radflow.content.StorageConfig;
import io.radflow.exporter.destination.Destination;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.DeadLetterHeaders;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.TopicProvisioner;
import io.radflow.schemas.avro.ExportedObject;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobFailure;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.jobs.JobIds;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.schemas.avro.ResultsExported;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The results exporter: a consumer group on {@code inference-jobs} and {@code run-jobs},
 * {@code predictions} and {@code job-status}. It gathers each job of a version whose settings ask for export until the
 * job has succeeded and all its predictions are read, builds its DICOM objects, stores them at
 * the project's destination and only then, in one Kafka transaction, publishes
 * {@code results-exported} (or a dead letter) and commits the offsets of the job's records.
 * Exports run on a small scheduled pool: a destination that is down delays only its own jobs,
 * retried with backoff, and a crash before the commit exports the job again with the same UIDs,
 * which the PACS stores once.
 */
public final class ResultsExporter implements ManagedService {

    private static final Logger log = LoggerFactory.getLogger(ResultsExporter.class);
    /** How far back a start looks for jobs already exported; far longer than a job stays unfinished (exporter.job.wait). */
    static final Duration DONE_LOOKBACK = Duration.ofDays(2);
    /** On a committed outcome: the job-status record it answered ({@code <topic>/<partition>/<offset>}). */
    static final String STATUS_AT_HEADER = "radflow.export.status.at";
    /**
     * The job-status records whose jobs' outcomes were committed: a restart reads again the records
     * after the lowest unfinished one, and those jobs must not be exported twice. A job delivered
     * again (a new status record) is exported again, and replaces what it stored.
     */
    private final Set<String> committedStatuses = ConcurrentHashMap.newKeySet();
    /** Jobs (auto-run and run jobs: their instances and content URIs), their predictions and their statuses. */
    private static final List<Topic<?, ?>> INPUTS = List.of(TopicCatalog.INFERENCE_JOBS, TopicCatalog.RUN_JOBS, TopicCatalog.PREDICTIONS,
            TopicCatalog.JOB_STATUS);

    /** What an export ended with, handed from the export pool to the consumer thread. */
    private record Outcome(int generation, PendingJob job, ResultsExported exported, JobFailure failure, Throwable error) {
    }

    private final RadflowConfig config;
    private final String exporterId;
    private final Map<String, PendingJob> pending = new LinkedHashMap<>();
    private final OffsetTracker offsets = new OffsetTracker();
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger generation = new AtomicInteger();
    private final AtomicInteger exportsInFlight = new AtomicInteger();

    private HttpSchemaRegistryClient registryClient;
    private CompactedTopicView<ModelSettings> models;
    private CompactedTopicView<ProjectSettings> projects;
    private KafkaConsumer<String, byte[]> consumer;
    private KafkaProducer<String, byte[]> producer;
    private ScheduledExecutorService pool;
    private JobExporter jobExporter;
    private Destinations destinations;
    private Map<String, Deserializer<?>> deserializers;
    private Serializer<ResultsExported> exportedSerializer;
    private Serializer<JobFailure> failureSerializer;
    private final MeterRegistry meterRegistry;
    private final ExporterMetrics metrics;
    private MetricsEndpoint endpoint;
    private Thread loopThread;
    private volatile boolean running;
    private volatile boolean assigned;
    private volatile boolean failed;
    private volatile boolean closed;

    public ResultsExporter(RadflowConfig config) {
        this(config, hostName());
    }

    /** @param defaultId the exporter id when exporter.id is unset (./radflow dev uses its own, so a standalone exporter does not fence it) */
    public ResultsExporter(RadflowConfig config, String defaultId) {
        this.config = config;
        String id = config.get(ExporterConfig.EXPORTER_ID);
        this.exporterId = id != null ? id : defaultId;
        this.meterRegistry = MetricsSetup.prometheusRegistry("results-exporter");
        this.metrics = new ExporterMetrics(meterRegistry);
    }

    @Override
    public String name() {
        return "results-exporter";
    }

    public String exporterId() {
        return exporterId;
    }

    @Override
    public synchronized void start() throws Exception {
        TopicProvisioner.prepare(config, List.of(TopicCatalog.INFERENCE_JOBS, TopicCatalog.RUN_JOBS, TopicCatalog.PREDICTIONS, TopicCatalog.JOB_STATUS,
                TopicCatalog.MODEL_SETTINGS, TopicCatalog.PROJECT_SETTINGS, TopicCatalog.RESULTS_EXPORTED, TopicCatalog.RESULTS_EXPORT_DLQ));
        registryClient = new HttpSchemaRegistryClient(SchemaRegistrySettings.from(config));
        TopicSerdes serdes = TopicSerdes.from(registryClient, config);
        deserializers = Map.of(TopicCatalog.INFERENCE_JOBS.name(), serdes.valueDeserializer(TopicCatalog.INFERENCE_JOBS),
                TopicCatalog.RUN_JOBS.name(), serdes.valueDeserializer(TopicCatalog.RUN_JOBS),
                TopicCatalog.PREDICTIONS.name(), serdes.valueDeserializer(TopicCatalog.PREDICTIONS),
                TopicCatalog.JOB_STATUS.name(), serdes.valueDeserializer(TopicCatalog.JOB_STATUS));
        exportedSerializer = serdes.valueSerializer(TopicCatalog.RESULTS_EXPORTED);
        failureSerializer = serdes.valueSerializer(TopicCatalog.RESULTS_EXPORT_DLQ);

        models = view(serdes, TopicCatalog.MODEL_SETTINGS, ModelSettings::getModelId);
        projects = view(serdes, TopicCatalog.PROJECT_SETTINGS, ProjectSettings::getProjectId);
        long timeoutMs = config.get(ExporterConfig.SETTINGS_TIMEOUT).toMillis();
        try {
            models.initialLoad().get(timeoutMs, TimeUnit.MILLISECONDS);
            projects.initialLoad().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not read the model and project settings within " + timeoutMs + " ms (exporter.settings.timeout)");
        }

        ContentReaders readers = ContentReaderFactory.create(config);
        jobExporter = new JobExporter(readers, config.get(ExporterConfig.CONTENT_MAX_BYTES));
        destinations = new Destinations(new FileContentStore(config.get(StorageConfig.CONTENT_STORE_DIR)), config);
        pool = Executors.newScheduledThreadPool(config.get(ExporterConfig.THREADS), r -> {
            Thread t = new Thread(r, "results-export");
            t.setDaemon(true);
            return t;
        });

        producer = new KafkaProducer<>(producerProps(), new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
        loadDone();
        consumer = new KafkaConsumer<>(consumerProps(), new StringDeserializer(), new ByteArrayDeserializer());
        running = true;
        loopThread = new Thread(this::loop, "results-exporter-loop");
        loopThread.start();
        int port = config.get(CommonConfig.METRICS_PORT);
        if (port >= 0 && meterRegistry instanceof PrometheusMeterRegistry prometheus) {
            endpoint = MetricsEndpoint.start("0.0.0.0", port, prometheus, this::healthy);
        }
        log.info("results exporter started exporterId={} group={}", exporterId, config.get(ExporterConfig.GROUP_ID));
    }

    private <V> CompactedTopicView<V> view(TopicSerdes serdes, Topic<String, V> topic, java.util.function.Function<V, String> key) {
        Map<String, Object> props = KafkaClientProperties.readCommittedConsumer(config, "radflow-exporter-" + exporterId + "-" + topic.name());
        CompactedTopicView<V> view = new CompactedTopicView<>(new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer()),
                serdes.valueDeserializer(topic), topic.name(), key, "exporter-" + topic.name());
        view.start();
        return view;
    }

    private Map<String, Object> consumerProps() {
        Map<String, Object> props = KafkaClientProperties.readCommittedConsumer(config, "radflow-exporter-" + exporterId);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.get(ExporterConfig.GROUP_ID));
        return props;
    }

    private Map<String, Object> producerProps() {
        return KafkaClientProperties.transactionalProducer(config, "radflow-exporter-" + exporterId);
    }

    // ---- the consumer thread ----------------------------------------------------------------

    private void loop() {
        try {
            consumer.subscribe(INPUTS.stream().map(Topic::name).toList(), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commit(List.of());
                    forget("partitions revoked");
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // Positions come from the committed offsets: every unfinished job is read again.
                    assigned = assigned || !partitions.isEmpty();
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    forget("partitions lost");
                }
            });
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    offsets.consumed(tp, r.offset());
                    handle(tp, r);
                }
                List<Outcome> done = new ArrayList<>();
                for (Outcome o; (o = outcomes.poll()) != null; ) {
                    if (o.generation() == generation.get()) {
                        done.add(o);
                    }
                }
                expireIncomplete(done);
                commit(done);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failed = true;
            log.error("results exporter loop stopped error={}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(TopicPartition tp, ConsumerRecord<String, byte[]> r) {
        Object value;
        try {
            value = r.value() == null ? null : deserializers.get(r.topic()).deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            // The pipeline's own topics: a record that does not decode is not ours to dead-letter; the worker owns them.
            log.warn("skipping undecodable record topic={} partition={} offset={} error={}", r.topic(), r.partition(), r.offset(), e.getMessage());
            offsets.finished(tp, r.offset());
            return;
        }
        PendingJob.Coordinates at = new PendingJob.Coordinates(tp, r.offset());
        if (value instanceof InferenceJob job && exported(job.getJobId(), job.getModelId(), job.getModelVersion())) {
            PendingJob p = pending.computeIfAbsent(job.getJobId(), PendingJob::new);
            p.job = job;
            p.records.add(at);
            maybeSubmit(p);
        } else if (value instanceof Prediction prediction && exported(prediction.getJobId(), prediction.getModelId(), prediction.getModelVersion())) {
            PendingJob p = pending.computeIfAbsent(prediction.getJobId(), PendingJob::new);
            p.predictions.put(prediction.getPredictionId(), prediction);
            p.records.add(at);
            maybeSubmit(p);
        } else if (value instanceof JobStatus status && exported(status.getJobId(), status.getModelId(), status.getModelVersion())) {
            if (status.getState() == JobState.FAILED) {
                PendingJob p = pending.remove(status.getJobId());
                offsets.finished(tp, r.offset());
                if (p != null && !p.submitted) {
                    p.records.forEach(c -> offsets.finished(c.partition(), c.offset()));
                }
            } else if (status.getState() == JobState.SUCCEEDED) {
                PendingJob p = pending.computeIfAbsent(status.getJobId(), PendingJob::new);
                if (p.submitted) {
                    // A second success for a job in flight: its export covers it.
                    p.records.add(at);
                    return;
                }
                p.status = status;
                p.statusAt = at;
                p.succeededSeenAtMs = System.currentTimeMillis();
                p.records.add(at);
                maybeSubmit(p);
            } else {
                offsets.finished(tp, r.offset());
            }
        } else {
            offsets.finished(tp, r.offset());
        }
    }

    /**
     * True when the version's settings ask for export, and the job is not a synchronous predict
     * call's: that one answers files its caller sent, which need not be the site's studies at all.
     */
    private boolean exported(String jobId, String modelId, int version) {
        return !JobIds.isPredict(jobId) && version(modelId, version).map(ModelVersion::getExportResults).orElse(false);
    }

    private Optional<ModelVersion> version(String modelId, int version) {
        ModelSettings m = models.get(modelId);
        if (m == null) {
            return Optional.empty();
        }
        return m.getVersions().stream().filter(v -> v.getVersion() == version).findFirst();
    }

    private void maybeSubmit(PendingJob p) {
        if (p.submitted || !p.complete()) {
            return;
        }
        p.submitted = true;
        int gen = generation.get();
        if (p.statusAt != null && committedStatuses.contains(coordinates(p.statusAt))) {
            // Exported (or dead-lettered) and committed before a restart that read its records again:
            // the committed offset stops at the lowest unfinished record, not after this job's.
            exportsInFlight.incrementAndGet();
            finish(new Outcome(gen, p, null, null, null));
            return;
        }
        exportsInFlight.incrementAndGet();
        long started = System.nanoTime();
        pool.execute(() -> attempt(gen, p, 1, started));
    }

    /** One attempt at exporting a job, on the export pool; a transient failure schedules the next attempt. */
    private void attempt(int gen, PendingJob p, int attempt, long startedNanos) {
        if (gen != generation.get() || closed) {
            exportsInFlight.decrementAndGet();
            return;
        }
        ModelSettings model = models.get(p.job.getModelId());
        ProjectSettings project = projects.get(p.job.getProjectId());
        String destinationName = "?";
        String destinationKind = "unknown";
        try {
            ModelVersion version = version(p.job.getModelId(), p.job.getModelVersion()).orElseThrow(() -> new ExportException(
                    Reason.UNKNOWN_MODEL, "model " + p.job.getModelId() + " version " + p.job.getModelVersion() + " is no longer in the model settings"));
            Destination destination = destinations.of(project);
            destinationName = destination.describe();
            destinationKind = destination.kind();
            List<ExportObject> objects = jobExporter.objects(p.job, model, version, p.status, p.predictions.values());
            Map<String, String> uris = destination.store(objects);
            List<ExportedObject> stored = objects.stream().map(o -> new ExportedObject(o.kind(), o.sopClassUid(), o.sopInstanceUid(),
                    o.seriesInstanceUid(), uris.get(o.sopInstanceUid()))).toList();
            ResultsExported exported = new ResultsExported(p.jobId, p.job.getProjectId(), p.job.getModelId(), p.job.getModelVersion(),
                    p.job.getStudyInstanceUid(), destinationName, stored, Instant.now());
            metrics.exported(destinationKind, objects.stream().map(ExportObject::kind).toList(),
                    Duration.ofNanos(System.nanoTime() - startedNanos));
            log.info("exported jobId={} project={} objects={} destination={} attempts={}", p.jobId, p.job.getProjectId(), stored.size(),
                    destinationName, attempt);
            finish(new Outcome(gen, p, exported, null, null));
        } catch (RuntimeException e) {
            Reason reason = RadflowException.reasonOf(e);
            int max = config.get(ExporterConfig.RETRY_MAX_ATTEMPTS);
            if (reason.retriable() && attempt < max && !closed) {
                long delay = backoffMs(attempt);
                metrics.retried(destinationKind, reason.name());
                log.warn("export failed, retrying jobId={} project={} reason={} attempt={} nextInMs={} error={}", p.jobId,
                        p.job.getProjectId(), reason, attempt, delay, e.getMessage());
                pool.schedule(() -> attempt(gen, p, attempt + 1, startedNanos), delay, TimeUnit.MILLISECONDS);
                return;
            }
            metrics.deadLettered(destinationKind, reason.name());
            log.warn("export dead-lettered jobId={} project={} reason={} attempts={} error={}", p.jobId, p.job.getProjectId(), reason,
                    attempt, e.getMessage());
            finish(new Outcome(gen, p, null, failure(p, reason, e.getMessage() + " (destination " + destinationName + ")", attempt), e));
        }
    }

    /**
     * The job-status records whose jobs were exported lately (within {@link #DONE_LOOKBACK}), from
     * the headers of {@code results-exported}.
     */
    private void loadDone() {
        Instant since = Instant.now().minus(DONE_LOOKBACK);
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(KafkaClientProperties.readCommittedConsumer(config,
                "radflow-exporter-" + exporterId + "-done"), new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicSnapshot.read(reader, TopicCatalog.RESULTS_EXPORTED.name(), since, Duration.ofSeconds(60), r -> {
                Header h = r.headers().lastHeader(STATUS_AT_HEADER);
                if (h != null) {
                    committedStatuses.add(new String(h.value(), StandardCharsets.UTF_8));
                }
            });
        }
        log.info("jobs exported lately jobs={} since={}", committedStatuses.size(), since);
    }

    private static String coordinates(PendingJob.Coordinates at) {
        return at.partition().topic() + "/" + at.partition().partition() + "/" + at.offset();
    }

    private void finish(Outcome outcome) {
        outcomes.add(outcome);
        exportsInFlight.decrementAndGet();
    }

    private long backoffMs(int attempt) {
        long initial = config.get(ExporterConfig.RETRY_INITIAL_BACKOFF).toMillis();
        long max = config.get(ExporterConfig.RETRY_MAX_BACKOFF).toMillis();
        return Math.min(max, initial << Math.min(20, attempt - 1));
    }

    private JobFailure failure(PendingJob p, Reason reason, String message, int attempts) {
        PendingJob.Coordinates at = p.statusAt != null ? p.statusAt : p.records.get(0);
        return JobFailure.newBuilder().setJobId(p.jobId).setReason(reason.name()).setRetriable(reason.retriable()).setMessage(message)
                .setAttempts(attempts).setSourceTopic(at.partition().topic()).setSourcePartition(at.partition().partition())
                .setSourceOffset(at.offset()).setModelId(p.job != null ? p.job.getModelId() : p.status != null ? p.status.getModelId() : null)
                .setModelVersion(p.job != null ? Integer.valueOf(p.job.getModelVersion()) : p.status != null ? p.status.getModelVersion() : null)
                .setJob(p.job).setWorkerId(exporterId).setFailedAt(Instant.now()).build();
    }

    /** Succeeded jobs still missing their job record or predictions after exporter.job.wait are dead-lettered. */
    private void expireIncomplete(List<Outcome> done) {
        long limit = System.currentTimeMillis() - config.get(ExporterConfig.JOB_WAIT).toMillis();
        List<PendingJob> expired = pending.values().stream()
                .filter(p -> !p.submitted && p.status != null && p.succeededSeenAtMs < limit).toList();
        for (PendingJob p : expired) {
            p.submitted = true;
            metrics.deadLettered("unknown", Reason.EXPORT_INVALID_RESULT.name());
            String message = "job " + p.jobId + " succeeded but " + p.whatIsMissing() + " did not arrive within "
                    + config.get(ExporterConfig.JOB_WAIT).toSeconds() + " s (exporter.job.wait)";
            done.add(new Outcome(generation.get(), p, null, failure(p, Reason.EXPORT_INVALID_RESULT, message, 1), null));
        }
    }

    /** Publishes the outcomes and commits the offsets of everything finished, in one transaction. */
    private void commit(List<Outcome> done) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (Outcome o : done) {
            if (o.exported() != null) {
                ProducerRecord<String, byte[]> r = new ProducerRecord<>(TopicCatalog.RESULTS_EXPORTED.name(), o.job().jobId,
                        exportedSerializer.serialize(TopicCatalog.RESULTS_EXPORTED.name(), o.exported()));
                if (o.job().statusAt != null) {
                    r.headers().add(STATUS_AT_HEADER, coordinates(o.job().statusAt).getBytes(StandardCharsets.UTF_8));
                }
                records.add(r);
            } else if (o.failure() != null) {
                PendingJob.Coordinates at = o.job().statusAt != null ? o.job().statusAt : o.job().records.get(0);
                DeadLetterHeaders.Builder headers = DeadLetterHeaders.builder()
                        .source(at.partition().topic(), at.partition().partition(), at.offset())
                        .reason(Reason.valueOf(o.failure().getReason()), o.failure().getMessage()).attempts(o.failure().getAttempts());
                if (o.error() != null) {
                    headers.exception(o.error());
                }
                Headers h = headers.build();
                records.add(new ProducerRecord<>(TopicCatalog.RESULTS_EXPORT_DLQ.name(), null, o.job().jobId,
                        failureSerializer.serialize(TopicCatalog.RESULTS_EXPORT_DLQ.name(), o.failure()), h));
            }
            pending.remove(o.job().jobId, o.job());
            o.job().records.forEach(c -> offsets.finished(c.partition(), c.offset()));
        }
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.committable();
        if (records.isEmpty() && commit.isEmpty()) {
            return;
        }
        producer.beginTransaction();
        try {
            records.forEach(producer::send);
            if (!commit.isEmpty()) {
                producer.sendOffsetsToTransaction(commit, consumer.groupMetadata());
            }
            producer.commitTransaction();
            offsets.markCommitted(commit);
            done.stream().filter(o -> o.job().statusAt != null).forEach(o -> committedStatuses.add(coordinates(o.job().statusAt)));
        } catch (RuntimeException e) {
            // Fenced or failed: stop; a restart reads every unfinished job again and exports it with the same UIDs.
            throw new IllegalStateException("cannot commit exported jobs: " + e.getMessage(), e);
        }
    }

    /** After a rebalance every unfinished job is read again from the committed offsets; in-flight exports are ignored. */
    private void forget(String why) {
        generation.incrementAndGet();
        if (!pending.isEmpty()) {
            log.info("dropping unfinished jobs, they will be read again why={} jobs={}", why, pending.size());
        }
        pending.clear();
        offsets.clear();
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    /** True once the group gave this exporter partitions. */
    public boolean assigned() {
        return assigned;
    }

    /** Jobs read but not yet exported (for tests and metrics). */
    public int exportsInFlight() {
        return exportsInFlight.get();
    }

    @Override
    public boolean healthy() {
        return running && !failed && loopThread != null && loopThread.isAlive() && models.healthy() && projects.healthy();
    }

    @Override
    public Map<String, String> endpoints() {
        Map<String, String> e = new HashMap<>();
        e.put("exporter id", exporterId);
        if (endpoint != null) {
            e.put("metrics", "http://localhost:" + endpoint.port() + "/metrics (and /health)");
        }
        return e;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (loopThread != null) {
            try {
                loopThread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (pool != null) {
            pool.shutdownNow();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (models != null) {
            models.close();
        }
        if (projects != null) {
            projects.close();
        }
        if (registryClient != null) {
            registryClient.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
        log.info("results exporter stopped exporterId={}", exporterId);
    }

    /** The host name: the default exporter id. */
    public static String hostName() {
        return KafkaClientProperties.hostName("exporter");
    }
}
