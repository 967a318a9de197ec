package io.radflow.viewer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.io.Directories;
import io.radflow.common.kafka.KafkaClientProperties;
import io.radflow.common.kafka.StreamsExceptionHandling;
import io.radflow.common.lifecycle.ManagedService;
import io.radflow.common.lifecycle.Resources;
import io.radflow.common.metrics.MetricsSetup;
import io.radflow.content.ContentReaderFactory;
import io.radflow.pixels.CodecSettings;
import io.radflow.pixels.PixelDecoder;
import io.radflow.pixels.PixelDecoders;
import io.radflow.registry.RegistryConfig;
import io.radflow.registry.StreamsStartup;
import io.radflow.registry.auth.ApiKeyAuthenticator;
import io.radflow.registry.view.RegistryView;
import io.radflow.registry.view.ViewUpdates;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.TopicProvisioner;
import io.radflow.viewer.api.EventHub;
import io.radflow.viewer.api.ViewerHttpServer;
import io.radflow.viewer.view.PredictionView;
import io.radflow.viewer.view.ViewChange;
import io.radflow.viewer.view.ViewerStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prediction view and viewer: a Kafka Streams application whose global stores hold every
 * study's instances, jobs, job states and predictions, the predictions API and event stream on
 * top of them, and the web page. See DESIGN.md in this module.
 */
public final class ViewerService implements ManagedService {

    private static final Logger log = LoggerFactory.getLogger(ViewerService.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);

    /** The topics the view reads; created at start-up when missing. */
    static final List<Topic<?, ?>> TOPICS = List.of(TopicCatalog.DATASET_UPLOADS, TopicCatalog.INFERENCE_JOBS, TopicCatalog.RUN_JOBS,
            TopicCatalog.JOB_STATUS, TopicCatalog.PREDICTIONS, TopicCatalog.PROJECT_SETTINGS, TopicCatalog.REGISTRY_API_KEYS,
            TopicCatalog.MODEL_SETTINGS);

    private final RadflowConfig config;
    private final PrometheusMeterRegistry prometheus;
    private final String adminKey;
    private final Resources resources = new Resources();
    private Path tempDir;
    private KafkaStreams streams;
    private ViewerHttpServer http;
    private EventHub events;
    private volatile boolean closed;

    public ViewerService(RadflowConfig config) {
        this(config, config.get(RegistryConfig.ADMIN_API_KEY));
    }

    /**
     * @param adminKey the registry's bootstrap admin key, which this viewer also accepts (null: none);
     *                 {@code ./radflow dev} passes the key its registry generated
     */
    public ViewerService(RadflowConfig config, String adminKey) {
        this(config, adminKey, MetricsSetup.prometheusRegistry("viewer"));
    }

    public ViewerService(RadflowConfig config, String adminKey, PrometheusMeterRegistry prometheus) {
        this.config = config;
        this.adminKey = adminKey;
        this.prometheus = prometheus;
    }

    @Override
    public String name() {
        return "viewer";
    }

    @Override
    public void start() throws Exception {
        try {
            tempDir = Files.createTempDirectory("radflow-viewer-");
            TopicProvisioner.prepare(config, TOPICS);
            HttpSchemaRegistryClient schemaRegistry = new HttpSchemaRegistryClient(SchemaRegistrySettings.from(config));
            resources.add(schemaRegistry);
            TopicSerdes serdes = TopicSerdes.from(schemaRegistry, config);
            ViewerMetrics metrics = new ViewerMetrics(prometheus);
            ObjectMapper json = new ObjectMapper();
            events = new EventHub(json, config.get(ViewerConfig.SSE_KEEP_ALIVE));

            Properties streamsConfig = streamsProperties();
            streams = new KafkaStreams(ViewerStores.build(serdes, new ViewUpdates(), (ViewChange c) -> {
                metrics.viewChange(c.kind());
                events.changed(c);
            }, metrics::undecodable, streamsConfig), streamsConfig);
            StreamsStartup.startAndAwaitRunning(streams, "viewer", STARTUP_TIMEOUT);
            KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
            streamsMetrics.bindTo(prometheus);
            resources.add(streamsMetrics);

            RegistryView.StoreProvider stores = RegistryView.storesOf(streams);
            RegistryView registry = new RegistryView(stores, new ViewUpdates());
            PredictionView view = new PredictionView(stores, registry);
            events.view(view);
            PixelDecoder decoder = PixelDecoders.create(CodecSettings.from(config));
            resources.add(decoder);
            http = ViewerHttpServer.start(config.get(ViewerConfig.HTTP_HOST), config.get(ViewerConfig.HTTP_PORT),
                    new ViewerHttpServer.Dependencies(json, metrics, prometheus, this::healthy, view,
                            new ApiKeyAuthenticator(registry, adminKey, config.get(RegistryConfig.ADMIN_USER)),
                            events, ContentReaderFactory.create(config), decoder, config.get(ViewerConfig.MAX_INSTANCE_BYTES),
                            config.get(ViewerConfig.FRAME_CACHE_SIZE)));
            log.info("viewer started url={} applicationId={} bootstrapServers={}", url(), config.get(ViewerConfig.APPLICATION_ID),
                    config.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS));
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private Properties streamsProperties() throws IOException {
        Properties props = new Properties();
        props.putAll(KafkaClientProperties.base(config));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.get(ViewerConfig.APPLICATION_ID));
        // Global stores only: the view reads what is committed, and writes nothing back to Kafka.
        props.put(StreamsConfig.consumerPrefix("isolation.level"), "read_committed");
        props.put(StreamsConfig.globalConsumerPrefix("isolation.level"), "read_committed");
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.putAll(StreamsExceptionHandling.globalHandlerEnabled());
        Path stateDir = config.get(ViewerConfig.STATE_DIR);
        props.put(StreamsConfig.STATE_DIR_CONFIG, (stateDir != null ? Files.createDirectories(stateDir)
                : Files.createDirectories(tempDir.resolve("streams"))).toString());
        return props;
    }

    public String url() {
        String host = config.get(ViewerConfig.HTTP_HOST);
        return "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + http.port();
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
            out.put("metrics", url() + "/metrics");
        }
        return out;
    }

    @Override
    public boolean healthy() {
        KafkaStreams s = streams;
        return !closed && s != null && s.state().isRunningOrRebalancing();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Event streams end first, while the HTTP server can still finish their responses.
        if (events != null) {
            events.close();
        }
        if (http != null) {
            http.close();
        }
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
        resources.close();
        Directories.deleteQuietly(tempDir);
    }
}
