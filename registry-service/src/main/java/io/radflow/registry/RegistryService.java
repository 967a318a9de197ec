package io.radflow.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.kafka.KafkaClientProperties;
import io.radflow.common.kafka.StreamsExceptionHandling;
import io.radflow.common.lifecycle.ManagedService;
import io.radflow.common.lifecycle.Resources;
import io.radflow.common.metrics.MetricsSetup;
import io.radflow.content.FileContentStore;
import io.radflow.content.StorageConfig;
import io.radflow.registry.api.RegistryHttpServer;
import io.radflow.registry.artifacts.ArtifactUploads;
import io.radflow.registry.auth.ApiKeyService;
import io.radflow.registry.auth.Secrets;
import io.radflow.registry.clone.CloneCodeService;
import io.radflow.registry.commands.CommandGateway;
import io.radflow.registry.commands.DefaultProjects;
import io.radflow.registry.commands.ModelService;
import io.radflow.registry.commands.ProjectService;
import io.radflow.registry.commands.TopicWriter;
import io.radflow.registry.export.ModelExporter;
import io.radflow.registry.predict.PredictReplies;
import io.radflow.registry.predict.PredictService;
import io.radflow.registry.runs.RunPublisher;
import io.radflow.registry.runs.RunService;
import io.radflow.registry.view.RegistryView;
import io.radflow.registry.view.ViewUpdates;
import io.radflow.runs.progress.RunJobStates;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.TopicProvisioner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry service: a Kafka Streams application (materialized view, command processor,
 * usage tracking) plus the REST API on top of it. See DESIGN.md in this module.
 */
public final class RegistryService implements ManagedService {

    private static final Logger log = LoggerFactory.getLogger(RegistryService.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);

    /** The topics this service reads or writes; created at start-up when missing. */
    static final List<Topic<?, ?>> TOPICS = List.of(TopicCatalog.MODEL_SETTINGS, TopicCatalog.PROJECT_SETTINGS,
            TopicCatalog.REGISTRY_COMMANDS, TopicCatalog.REGISTRY_COMMAND_REPLIES, TopicCatalog.REGISTRY_API_KEYS,
            TopicCatalog.REGISTRY_CLONE_CODES, TopicCatalog.JOB_STATUS, TopicCatalog.MODEL_RUNS, TopicCatalog.DATASET_INDEX,
            TopicCatalog.RUN_JOBS, TopicCatalog.INFERENCE_JOBS, TopicCatalog.PREDICTIONS);

    private final RadflowConfig config;
    private final PrometheusMeterRegistry prometheus;
    private final boolean adminKeyGenerated;
    private final String adminKey;
    private final Resources resources = new Resources();
    private Path tempDir;
    private KafkaStreams streams;
    private CommandGateway gateway;
    private RegistryHttpServer http;
    private RunJobStates runStates;
    private PredictReplies predictReplies;
    private volatile boolean closed;

    public RegistryService(RadflowConfig config) {
        this(config, MetricsSetup.prometheusRegistry("registry-service"));
    }

    public RegistryService(RadflowConfig config, PrometheusMeterRegistry prometheus) {
        this.config = config;
        this.prometheus = prometheus;
        String configured = config.get(RegistryConfig.ADMIN_API_KEY);
        this.adminKeyGenerated = configured == null;
        this.adminKey = configured != null ? configured : Secrets.newAdminKey();
    }

    @Override
    public String name() {
        return "registry-service";
    }

    @Override
    public void start() throws Exception {
        try {
            tempDir = Files.createTempDirectory("radflow-registry-");
            TopicProvisioner.prepare(config, TOPICS);
            HttpSchemaRegistryClient schemaRegistry = new HttpSchemaRegistryClient(SchemaRegistrySettings.from(config));
            resources.add(schemaRegistry);
            TopicSerdes serdes = TopicSerdes.from(schemaRegistry, config);
            RegistryMetrics metrics = new RegistryMetrics(prometheus);
            ViewUpdates updates = new ViewUpdates();

            // The writer and the reply consumer do not need the streams application: set them up first.
            TopicWriter writer = new TopicWriter(config, serdes);
            resources.add(writer);
            KafkaClientMetrics producerMetrics = new KafkaClientMetrics(writer.producer());
            producerMetrics.bindTo(prometheus);
            resources.add(producerMetrics);
            gateway = new CommandGateway(config, serdes, writer, metrics);
            resources.add(gateway);

            Properties streamsConfig = streamsProperties();
            streams = new KafkaStreams(RegistryTopology.build(serdes, updates, config.get(RegistryConfig.LAST_USED_RESOLUTION), metrics,
                    streamsConfig), streamsConfig);
            StreamsStartup.startAndAwaitRunning(streams, "registry", STARTUP_TIMEOUT);
            KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
            streamsMetrics.bindTo(prometheus);
            resources.add(streamsMetrics);
            RegistryView view = new RegistryView(RegistryView.storesOf(streams), updates);
            metrics.viewSize(view::modelCount);

            Clock clock = Clock.systemUTC();
            Duration timeout = config.get(RegistryConfig.WRITE_TIMEOUT);
            ProjectService projects = new ProjectService(view, gateway, clock, timeout, config.get(RegistryConfig.SITE_ID), metrics);
            ModelService models = new ModelService(view, gateway, clock, timeout, metrics, new DefaultProjects(view, projects));
            ApiKeyService keys = new ApiKeyService(view, writer, clock, timeout, adminKey, config.get(RegistryConfig.ADMIN_USER));
            CloneCodeService cloneCodes = new CloneCodeService(view, models, projects, writer, clock, timeout);
            RunPublisher runPublisher = new RunPublisher(config, serdes);
            resources.add(runPublisher);
            runStates = new RunJobStates(new KafkaConsumer<>(runStatesConsumerProps(), new StringDeserializer(),
                    serdes.valueDeserializer(TopicCatalog.JOB_STATUS)), TopicCatalog.JOB_STATUS.name()).start();
            resources.add(runStates);
            RunService runs = new RunService(view, models, runPublisher, runStates, clock, timeout);
            FileContentStore store = new FileContentStore(config.get(StorageConfig.ARTIFACT_STORE_DIR));
            ArtifactUploads artifacts = new ArtifactUploads(store, config.get(RegistryConfig.UPLOAD_MAX_BYTES), metrics);
            PredictReplies replies = new PredictReplies(new KafkaConsumer<>(predictRepliesConsumerProps(), new StringDeserializer(),
                    new ByteArrayDeserializer()), serdes.valueDeserializer(TopicCatalog.PREDICTIONS),
                    serdes.valueDeserializer(TopicCatalog.JOB_STATUS), metrics);
            resources.add(replies);
            predictReplies = replies;
            PredictService predict = new PredictService(models, new FileContentStore(config.get(StorageConfig.CONTENT_STORE_DIR)),
                    writer, replies, metrics, clock, config.get(RegistryConfig.PREDICT_TIMEOUT), timeout);
            Path scratch = Files.createDirectories(tempDir.resolve("scratch"));
            ObjectMapper json = new ObjectMapper();
            http = RegistryHttpServer.start(config.get(RegistryConfig.HTTP_HOST), config.get(RegistryConfig.HTTP_PORT),
                    new RegistryHttpServer.Dependencies(json, metrics, prometheus, this::healthy, models, projects, keys,
                            cloneCodes, artifacts, new ModelExporter(store, json, scratch), runs, scratch, predict,
                            config.get(RegistryConfig.PREDICT_MAX_FILES), config.get(RegistryConfig.PREDICT_MAX_BYTES)));
            log.info("registry service started url={} applicationId={} bootstrapServers={}", url(),
                    config.get(RegistryConfig.APPLICATION_ID), config.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS));
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private Map<String, Object> runStatesConsumerProps() {
        Map<String, Object> props = KafkaClientProperties.base(config);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "radflow-registry-run-states");
        return props;
    }

    /** The predict reply reader: no group (it assigns every partition), committed records only. */
    private Map<String, Object> predictRepliesConsumerProps() {
        Map<String, Object> props = KafkaClientProperties.base(config);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "radflow-registry-predict-replies");
        return props;
    }

    private Properties streamsProperties() throws IOException {
        Properties props = new Properties();
        props.putAll(KafkaClientProperties.base(config));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.get(RegistryConfig.APPLICATION_ID));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.get(RegistryConfig.COMMIT_INTERVAL).toMillis());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        // Fail on a processing error in the view too (the 5.0 default).
        props.putAll(StreamsExceptionHandling.globalHandlerEnabled());
        Path stateDir = config.get(RegistryConfig.STATE_DIR);
        props.put(StreamsConfig.STATE_DIR_CONFIG, (stateDir != null ? Files.createDirectories(stateDir)
                : Files.createDirectories(tempDir.resolve("streams"))).toString());
        return props;
    }

    public String url() {
        String host = config.get(RegistryConfig.HTTP_HOST);
        return "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + http.port();
    }

    /** The bootstrap admin key (configured, or generated at construction). */
    public String adminKey() {
        return adminKey;
    }

    public List<String> routes() {
        return http.routes();
    }

    @Override
    public Map<String, String> endpoints() {
        Map<String, String> out = new LinkedHashMap<>();
        if (http != null) {
            out.put("url", url());
            out.put("openapi", url() + "/openapi.json");
        }
        if (adminKeyGenerated) {
            out.put("admin-key", adminKey);
        }
        return out;
    }

    @Override
    public boolean healthy() {
        KafkaStreams s = streams;
        return !closed && s != null && s.state().isRunningOrRebalancing() && gateway != null && gateway.healthy()
                && runStates != null && runStates.healthy()
                && predictReplies != null && predictReplies.healthy();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (http != null) {
            http.close();
        }
        resources.close();
        if (streams != null) {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }
        deleteTree(tempDir);
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort on a temporary directory
                }
            });
        } catch (IOException e) {
            log.warn("could not delete temporary directory dir={} error={}", dir, e.toString());
        }
    }
}
