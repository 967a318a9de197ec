package io.radflow.worker;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.kafka.KafkaClientProperties;
import io.radflow.common.lifecycle.ManagedService;
import io.radflow.common.metrics.MetricsEndpoint;
import io.radflow.common.metrics.MetricsSetup;
import io.radflow.content.ContentReader;
import io.radflow.content.ContentReaderFactory;
import io.radflow.content.FileContentStore;
import io.radflow.pixels.PixelDecoder;
import io.radflow.pixels.PixelDecoders;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.TopicProvisioner;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.worker.batching.DynamicBatcher;
import io.radflow.worker.consumer.JobConsumerLoop;
import io.radflow.worker.consumer.JobTopics;
import io.radflow.worker.consumer.Outcomes;
import io.radflow.worker.consumer.OutputRecords;
import io.radflow.worker.consumer.RecordSizeLimit;
import io.radflow.worker.consumer.TransactionalPublisher;
import io.radflow.worker.execution.JobPipeline;
import io.radflow.worker.execution.QueuedJob;
import io.radflow.worker.metrics.WorkerMetrics;
import io.radflow.worker.preprocess.DicomImages;
import io.radflow.worker.preprocess.PixelDataImages;
import io.radflow.worker.runtime.ArtifactVerifier;
import io.radflow.worker.runtime.ModelCache;
import io.radflow.worker.runtime.ModelRuntime;
import io.radflow.worker.runtime.RuntimeRegistry;
import io.radflow.worker.runtime.http.HttpModelRuntime;
import io.radflow.worker.runtime.mdai.MdaiRuntime;
import io.radflow.worker.runtime.onnx.OnnxRuntime;
import io.radflow.worker.settings.ModelSettingsView;
import io.radflow.worker.settings.RunsView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An inference worker: a member of the {@code worker.group.id} consumer group that runs the jobs
 * of its {@code inference-jobs} partitions and publishes their predictions exactly once. This
 * class only wires the parts and runs their life cycle; see the package documentation for how
 * they fit together.
 */
public final class InferenceWorker implements ManagedService {

    private static final Logger log = LoggerFactory.getLogger(InferenceWorker.class);

    private final RadflowConfig config;
    private final WorkerSettings settings;
    private final ContentReader contentReader;
    private final List<ModelRuntime> extraRuntimes;
    private final MeterRegistry meterRegistry;

    private HttpSchemaRegistryClient registryClient;
    private ModelSettingsView modelSettings;
    private RunsView runs;
    private RuntimeRegistry runtimes;
    private ModelCache cache;
    private PixelDecoder pixelDecoder;
    private DynamicBatcher<QueuedJob> batcher;
    private JobPipeline pipeline;
    private JobConsumerLoop loop;
    private Thread loopThread;
    private final List<Thread> executors = new ArrayList<>();
    private KafkaClientMetrics consumerMetrics;
    private MetricsEndpoint endpoint;
    private volatile boolean started;
    private boolean closed;

    private InferenceWorker(Builder b) {
        this.config = b.config;
        this.settings = WorkerSettings.from(b.config, b.defaultWorkerId);
        this.contentReader = b.contentReader != null ? b.contentReader : ContentReaderFactory.create(b.config);
        this.extraRuntimes = List.copyOf(b.runtimes);
        this.meterRegistry = b.meterRegistry != null ? b.meterRegistry : MetricsSetup.prometheusRegistry("inference-worker");
    }

    /** A worker wired from configuration alone (the command line, ./radflow dev). */
    public static InferenceWorker create(RadflowConfig config) {
        return builder(config).build();
    }

    public static Builder builder(RadflowConfig config) {
        return new Builder(config);
    }

    @Override
    public String name() {
        return "inference-worker";
    }

    public String workerId() {
        return settings.workerId();
    }

    /** What this worker read from its configuration. */
    public WorkerSettings settings() {
        return settings;
    }

    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /**
     * Connects and starts: the model settings are read first (jobs cannot run without them), then
     * the consumer loop and the processing side are made, each given the parts it uses, and
     * started, executors before the loop.
     */
    @Override
    public synchronized void start() throws Exception {
        if (started || closed) {
            throw new IllegalStateException("a worker starts once");
        }
        TopicProvisioner.prepare(config, List.of(TopicCatalog.INFERENCE_JOBS, TopicCatalog.RUN_JOBS, TopicCatalog.MODEL_SETTINGS, TopicCatalog.MODEL_RUNS, TopicCatalog.PREDICTIONS,
                TopicCatalog.JOB_STATUS, TopicCatalog.INFERENCE_JOBS_DLQ));
        WorkerMetrics metrics = new WorkerMetrics(meterRegistry);
        registryClient = new HttpSchemaRegistryClient(SchemaRegistrySettings.from(config));
        TopicSerdes serdes = TopicSerdes.from(registryClient, config);
        Map<String, Object> producerProps = producerProps();
        OutputRecords records = new OutputRecords(serdes, RecordSizeLimit.of(producerProps));
        modelSettings = readModelSettings(serdes);
        runs = new RunsView(new KafkaConsumer<>(KafkaClientProperties.readCommittedConsumer(config, "radflow-worker-" + settings.workerId()
                + "-runs"), new StringDeserializer(), new ByteArrayDeserializer()), serdes.valueDeserializer(TopicCatalog.MODEL_RUNS),
                TopicCatalog.MODEL_RUNS.name());
        runs.start();

        pixelDecoder = PixelDecoders.create(settings.codecs());
        DicomImages dicom = new PixelDataImages(pixelDecoder);
        runtimes = new RuntimeRegistry(runtimes(dicom));
        cache = new ModelCache(settings.modelCacheSize(), runtimes, metrics);
        batcher = new DynamicBatcher<>();
        Outcomes outcomes = new Outcomes();
        pipeline = new JobPipeline(new JobPipeline.Parts(records, modelSettings, batcher, outcomes, cache,
                new ArtifactVerifier(settings.artifactStoreDir()), contentReader, new FileContentStore(settings.contentStoreDir()),
                dicom, metrics, settings.retry(), settings.modelTimeout(), settings.contentMaxBytes(), settings.settingsTimeout(),
                settings.workerId(), runs));

        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(jobConsumerProps(), new StringDeserializer(), new ByteArrayDeserializer());
        consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(meterRegistry);
        TransactionalPublisher publisher = new TransactionalPublisher(
                () -> new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer()));
        JobTopics topics = new JobTopics(TopicCatalog.INFERENCE_JOBS.name(), TopicCatalog.RUN_JOBS.name(), settings.runsMaxInFlight());
        loop = new JobConsumerLoop(consumer, publisher, topics, metrics, settings.maxInFlight(),
                settings.commitInterval(), outcomes, pipeline);
        metrics.gauges(topics.all(), loop::lag, loop::inFlight, cache::size);

        for (int i = 0; i < settings.threads(); i++) {
            executors.add(daemon(pipeline::runBatches, "worker-exec-" + i));
        }
        loopThread = daemon(loop, "worker-consumer");
        if (settings.metricsPort() >= 0 && meterRegistry instanceof PrometheusMeterRegistry prometheus) {
            endpoint = MetricsEndpoint.start("0.0.0.0", settings.metricsPort(), prometheus, this::healthy);
        }
        started = true;
        log.info("inference worker started workerId={} group={} threads={} device={} cacheSize={}", settings.workerId(),
                settings.groupId(), settings.threads(), settings.device(), settings.modelCacheSize());
    }

    /** Starts reading the model settings topic and waits until it has been read to its end. */
    private ModelSettingsView readModelSettings(TopicSerdes serdes) throws InterruptedException {
        ModelSettingsView view = new ModelSettingsView(new KafkaConsumer<>(settingsConsumerProps(), new StringDeserializer(),
                new ByteArrayDeserializer()), serdes.valueDeserializer(TopicCatalog.MODEL_SETTINGS), TopicCatalog.MODEL_SETTINGS.name());
        view.start();
        long timeoutMs = settings.settingsTimeout().toMillis();
        try {
            view.initialLoad().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            view.close();
            throw new IllegalStateException("could not read the model settings within " + timeoutMs + " ms (worker.settings.timeout)");
        } catch (ExecutionException e) {
            view.close();
            throw new IllegalStateException("cannot read the model settings: " + e.getCause().getMessage(), e.getCause());
        }
        return view;
    }

    /** The runtimes given to the builder, and the built-in ones of the kinds they leave out. */
    private List<ModelRuntime> runtimes(DicomImages dicom) {
        List<ModelRuntime> all = new ArrayList<>(extraRuntimes);
        Set<RuntimeKind> given = all.stream().map(ModelRuntime::kind).collect(Collectors.toSet());
        if (!given.contains(RuntimeKind.ONNX)) {
            all.add(new OnnxRuntime(settings.onnx(), dicom));
        }
        if (!given.contains(RuntimeKind.MDAI_PYTHON)) {
            all.add(new MdaiRuntime(settings.mdai(), dicom));
        }
        if (!given.contains(RuntimeKind.HTTP)) {
            all.add(new HttpModelRuntime(settings.http(), dicom));
        }
        return all;
    }

    private static Thread daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private Map<String, Object> settingsConsumerProps() {
        return KafkaClientProperties.readCommittedConsumer(config, "radflow-worker-" + settings.workerId() + "-settings");
    }

    private Map<String, Object> jobConsumerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(500, settings.maxInFlight()));
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        props.putAll(KafkaClientProperties.base(config));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "radflow-worker-" + settings.workerId());
        // Static membership: a worker restarted after a crash takes its partitions back at once
        // instead of waiting out the dead member's session (it leaves the group on a clean stop).
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "radflow-worker-" + settings.workerId());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return props;
    }

    private Map<String, Object> producerProps() {
        Map<String, Object> props = KafkaClientProperties.transactionalProducer(config, "radflow-worker-" + settings.workerId());
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        return props;
    }

    /** True once the group gave this worker partitions (tests wait for it before producing). */
    public boolean assigned() {
        return loop != null && loop.assigned();
    }

    @Override
    public Map<String, String> endpoints() {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("worker id", settings.workerId());
        if (endpoint != null) {
            e.put("metrics", "http://localhost:" + endpoint.port() + "/metrics (and /health)");
        }
        return e;
    }

    @Override
    public boolean healthy() {
        return started && !closed && loop.healthy() && loopThread.isAlive() && modelSettings.healthy() && runs.healthy()
                && runtimes.healthy();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Stop taking batches and let running ones finish, then commit what finished and leave the group.
        if (batcher != null) {
            batcher.close();
        }
        join(executors, 30_000);
        if (loop != null) {
            loop.stop();
            join(loopThread == null ? List.of() : List.of(loopThread), 30_000);
        }
        if (pipeline != null) {
            pipeline.close();
        }
        if (consumerMetrics != null) {
            consumerMetrics.close();
        }
        if (modelSettings != null) {
            modelSettings.close();
        }
        if (runs != null) {
            runs.close();
        }
        if (cache != null) {
            cache.close();
        }
        if (runtimes != null) {
            runtimes.close();
        }
        if (pixelDecoder != null) {
            pixelDecoder.close();
        }
        if (registryClient != null) {
            registryClient.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
        log.info("inference worker stopped workerId={}", settings.workerId());
    }

    private static void join(List<Thread> threads, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The host name: the default worker id of a standalone worker. */
    public static String hostName() {
        return KafkaClientProperties.hostName("worker");
    }

    /** Wiring with test or deployment specific parts. */
    public static final class Builder {

        private final RadflowConfig config;
        private ContentReader contentReader;
        private final List<ModelRuntime> runtimes = new ArrayList<>();
        private MeterRegistry meterRegistry;
        private String defaultWorkerId;

        private Builder(RadflowConfig config) {
            this.config = config;
        }

        /** Reads content through this reader instead of the configured ones. */
        public Builder contentReader(ContentReader reader) {
            this.contentReader = reader;
            return this;
        }

        /** Adds a runtime; one of a kind the worker has built in (ONNX, MD.ai Python, HTTP) replaces the built-in one. */
        public Builder runtime(ModelRuntime runtime) {
            this.runtimes.add(runtime);
            return this;
        }

        /** The id to use when {@code worker.id} is unset (instead of the host name). */
        public Builder defaultWorkerId(String id) {
            this.defaultWorkerId = id;
            return this;
        }

        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = registry;
            return this;
        }

        public InferenceWorker build() {
            return new InferenceWorker(this);
        }
    }
}
