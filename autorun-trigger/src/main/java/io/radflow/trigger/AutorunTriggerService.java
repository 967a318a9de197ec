package io.radflow.trigger;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.common.io.Directories;
import io.radflow.common.lifecycle.ManagedService;
import io.radflow.common.metrics.MetricsEndpoint;
import io.radflow.common.metrics.MetricsSetup;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicProvisioner;
import io.radflow.trigger.settings.ModelCatalog;
import io.radflow.trigger.settings.ModelHistory;
import io.radflow.trigger.settings.ModelSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auto-run trigger as a service: the Kafka Streams app, its metrics and its /metrics and
 * /health endpoint. {@link #start()} returns once the app is running (global settings loaded).
 */
public final class AutorunTriggerService implements ManagedService {

    private static final Logger log = LoggerFactory.getLogger(AutorunTriggerService.class);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private final RadflowConfig config;
    private final TriggerTopics topics;
    private final TriggerSettings settings;
    private HttpSchemaRegistryClient registryClient;
    private PrometheusMeterRegistry meterRegistry;
    private KafkaStreamsMetrics streamsMetrics;
    private KafkaStreams streams;
    private MetricsEndpoint endpoint;
    private Path temporaryStateDir;
    private boolean closed;

    public AutorunTriggerService(RadflowConfig config) {
        this(config, TriggerTopics.catalog());
    }

    public AutorunTriggerService(RadflowConfig config, TriggerTopics topics) {
        this.config = config;
        this.topics = topics;
        this.settings = TriggerSettings.from(config);
    }

    @Override
    public String name() {
        return "autorun-trigger";
    }

    @Override
    public synchronized void start() throws Exception {
        registryClient = new HttpSchemaRegistryClient(SchemaRegistrySettings.from(config));
        meterRegistry = MetricsSetup.prometheusRegistry(name());
        TriggerMetrics metrics = new TriggerMetrics(meterRegistry);
        TopicProvisioner.prepare(config, topics.all());
        Path stateDir = config.find(TriggerConfig.STATE_DIR).orElse(null);
        if (stateDir == null) {
            temporaryStateDir = Files.createTempDirectory("radflow-trigger-");
            stateDir = temporaryStateDir;
        }
        Properties props = TriggerStreamsConfig.properties(config, stateDir);
        Topology topology = TriggerTopology.build(new StreamsBuilder(new TopologyConfig(new StreamsConfig(props))), topics,
                settings, TopicSerdes.from(registryClient, config), metrics);
        streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(TriggerFailures::respond);
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meterRegistry);
        int port = config.get(CommonConfig.METRICS_PORT);
        if (port >= 0) {
            endpoint = MetricsEndpoint.start("0.0.0.0", port, meterRegistry, this::healthy);
        }
        streams.start();
        awaitRunning();
        log.info("auto-run trigger running applicationId={} uploads={} jobs={} quietPeriod={} metrics={}",
                config.get(TriggerConfig.APPLICATION_ID), topics.uploads().name(), topics.jobs().name(), settings.quietPeriod(),
                endpoint == null ? "off" : endpoint.port());
    }

    private void awaitRunning() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                    || state == KafkaStreams.State.PENDING_ERROR || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                throw new RadflowException(Reason.INTERNAL, "auto-run trigger stopped while starting (state " + state + "); see the log");
            }
            if (System.nanoTime() > deadline) {
                throw new RadflowException(Reason.INTERNAL, "auto-run trigger not running after " + START_TIMEOUT + " (state " + state + ")");
            }
            Thread.sleep(50);
        }
    }

    /** The Streams app, for tests that watch its state. */
    public KafkaStreams streams() {
        return streams;
    }

    /**
     * True when the trigger's settings stores already hold the project and would auto-run each of
     * these models on data uploaded now. Settings reach the trigger asynchronously (global stores
     * fed by the settings topics), so a client that registers models and uploads at once, as the
     * demo does, asks this first: an upload judged before its model arrived gets no job.
     */
    public boolean autoRunsNow(String projectId, Collection<String> modelIds) {
        KafkaStreams s = streams;
        if (s == null || s.state() != KafkaStreams.State.RUNNING) {
            return false;
        }
        try {
            ReadOnlyKeyValueStore<String, String> projects = s.store(StoreQueryParameters.fromNameAndType(TriggerStores.PROJECTS,
                    QueryableStoreTypes.<String, String>keyValueStore()));
            ReadOnlyKeyValueStore<String, ModelHistory> models = s.store(StoreQueryParameters.fromNameAndType(
                    TriggerStores.MODEL_SETTINGS, QueryableStoreTypes.<String, ModelHistory>keyValueStore()));
            long now = System.currentTimeMillis();
            return projects.get(projectId) != null && modelIds.stream().allMatch(id -> {
                ModelHistory history = models.get(ModelCatalog.key(projectId, id));
                return history != null && history.at(now).filter(ModelSnapshot::eligible).isPresent();
            });
        } catch (InvalidStateStoreException e) {
            return false; // restoring or rebalancing: not ready yet
        }
    }

    public PrometheusMeterRegistry meterRegistry() {
        return meterRegistry;
    }

    @Override
    public Map<String, String> endpoints() {
        Map<String, String> endpoints = new LinkedHashMap<>();
        if (endpoint != null) {
            endpoints.put("metrics", "http://localhost:" + endpoint.port() + "/metrics");
            endpoints.put("health", "http://localhost:" + endpoint.port() + "/health");
        }
        return endpoints;
    }

    @Override
    public boolean healthy() {
        KafkaStreams s = streams;
        return s != null && s.state().isRunningOrRebalancing();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (streams != null) {
            // Leave the group, so the instance taking over gets the partitions now, not after the session timeout.
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
        if (meterRegistry != null) {
            meterRegistry.close();
        }
        if (registryClient != null) {
            registryClient.close();
        }
        if (temporaryStateDir != null) {
            deleteRecursively(temporaryStateDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Directories.deleteQuietly(dir)) {
            log.warn("temporary state directory not removed dir={}", dir);
        }
    }

    /** How a failed stream thread is handled. */
    static final class TriggerFailures {

        private TriggerFailures() {
        }

        /**
         * A retriable cause (schema registry unreachable) replaces the thread, which resumes from the
         * last commit; anything else is a bug or a broken cluster, so the app stops and /health says so
         * rather than looping over the same record.
         */
        static StreamThreadExceptionResponse respond(Throwable e) {
            Reason reason = RadflowException.reasonOf(e);
            if (reason.retriable()) {
                log.warn("stream thread failed; replacing it reason={} error={}", reason, e.toString());
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            log.error("stream thread failed; stopping the trigger reason={}", reason, e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
    }
}
