package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import io.radflow.demo.RegistryApi;
import io.radflow.ingestion.IngestionKafka;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.avro.Scope;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline as separate {@code ./radflow} processes against a given cluster, as operators run
 * it: the registry service, the auto-run trigger and inference workers, each by name so that a
 * test can SIGKILL one and start it again with the same settings (a worker keeps its id, so its
 * transactional producer fences the killed one; the trigger keeps its state directory). They
 * share one home, hence one content and artifact store.
 */
final class ClusterPipeline implements AutoCloseable {

    static final String ADMIN_KEY = "cluster-pipeline-admin-" + UUID.randomUUID();
    /** Small heaps and one GC thread: this machine runs several brokers and services at once. */
    private static final Map<String, String> JVM = Map.of("JAVA_TOOL_OPTIONS", "-Xmx512m -XX:+UseSerialGC");

    private final Path home;
    private final String bootstrap;
    private final String schemaRegistry;
    private final Map<String, List<String>> commands = new LinkedHashMap<>();
    private final Map<String, LauncherProcess> running = new LinkedHashMap<>();
    private String registryUrl;

    ClusterPipeline(Path home, String bootstrap, String schemaRegistry) {
        this.home = home;
        this.bootstrap = bootstrap;
        this.schemaRegistry = schemaRegistry;
    }

    /** {@code ./radflow topics create --replication-factor 3}. */
    void createTopics(int replicationFactor) throws IOException, InterruptedException {
        try (LauncherProcess topics = LauncherProcess.start(home, JVM, connected("topics", "create", "--replication-factor",
                Integer.toString(replicationFactor)))) {
            assertThat(topics.waitFor(Duration.ofMinutes(2))).as(String.join("\n", topics.stderr())).isZero();
        }
    }

    /**
     * The services of the failure tests: the registry service, then the trigger (static member,
     * this quiet period) and two workers, {@code worker-1} and {@code worker-2}, started together.
     */
    void startServices(Duration quietPeriod) throws IOException, InterruptedException {
        startRegistry();
        launchTrigger(quietPeriod);
        launchWorker("worker-1");
        launchWorker("worker-2");
        awaitRunning();
    }

    /**
     * A project with the demo's brightness classifier on auto-run at each scope (one prediction per
     * image of a job), then the pause a user makes before uploading: settings reach the trigger
     * asynchronously. Returns model id to scope.
     */
    Map<String, Scope> registerClassifiers(String project) throws Exception {
        RegistryApi registry = new RegistryApi(URI.create(registryUrl), ADMIN_KEY);
        registry.createProject(project, "classifiers at every scope");
        Map<String, Scope> models = new HashMap<>();
        for (Scope scope : Scope.values()) {
            String name = "brightness-" + scope.name().toLowerCase(Locale.ROOT);
            String id = registry.createModel(project, name, "onnx", "onnx", DevSession.autoRun());
            registry.addVersion(project, name, DevSession.version(scope.name().toLowerCase(Locale.ROOT), DevSession.brightnessLabels(),
                    Map.of("output.activation", "softmax")), "brightness.onnx", DevSession.resource(DevSession.BRIGHTNESS_ONNX));
            models.put(id, scope);
        }
        Thread.sleep(5_000);
        return models;
    }

    /** Serdes of the catalog's topics on this cluster, for readers that check from outside. */
    TopicSerdes serdes() {
        return IngestionKafka.serdes(RadflowConfig.load(CommonConfig.DEFINITION, ConfigSource.of("cluster-pipeline", Map.of(
                CommonConfig.KAFKA_BOOTSTRAP_SERVERS.name(), bootstrap, CommonConfig.SCHEMA_REGISTRY_URL.name(), schemaRegistry))));
    }

    /** Starts the registry service and returns its REST API's URL. */
    String startRegistry() throws IOException, InterruptedException {
        start("registry", "registry-service", "--set", "registry.admin.api.key=" + ADMIN_KEY);
        registryUrl = running.get("registry").stdout().stream().filter(l -> l.trim().startsWith("url:")).findFirst().orElseThrow()
                .trim().substring(4).trim();
        return registryUrl;
    }

    /** Launches the trigger (see {@link #launch}). */
    void launchTrigger(Duration quietPeriod) throws IOException {
        launch("trigger", "autorun-trigger", "--set", "trigger.quiet.period=" + quietPeriod.toMillis() + "ms",
                "--set", "trigger.state.dir=" + home.resolve("trigger-state"),
                // Static membership: a restarted trigger takes its partitions back at once, not after the session timeout.
                "--set", "trigger.streams.main.consumer.group.instance.id=radflow-trigger-1");
    }

    /** Launches a worker with this id (see {@link #launch}). */
    void launchWorker(String id) throws IOException {
        launch(id, "inference-worker", "--worker-id", id);
    }

    /** Starts {@code ./radflow} with these arguments under {@code name}, and waits until it runs. */
    void start(String name, String... args) throws IOException, InterruptedException {
        launch(name, args);
        awaitRunning();
    }

    /** Starts {@code ./radflow} under {@code name} without waiting: several start at once, then {@link #awaitRunning()}. */
    void launch(String name, String... args) throws IOException {
        commands.put(name, List.of(connected(args)));
        running.put(name, LauncherProcess.start(home, JVM, commands.get(name).toArray(String[]::new)));
    }

    /** Waits until every process started says it runs. */
    void awaitRunning() throws InterruptedException {
        for (LauncherProcess process : running.values()) {
            process.awaitStdout(l -> l.contains("Press Ctrl-C"), Duration.ofMinutes(3));
        }
    }

    /** Starts the named process again with the arguments it was first started with, and waits until it runs. */
    void restart(String name) throws IOException, InterruptedException {
        LauncherProcess process = LauncherProcess.start(home, JVM, commands.get(name).toArray(String[]::new));
        running.put(name, process);
        process.awaitStdout(l -> l.contains("Press Ctrl-C"), Duration.ofMinutes(3));
    }

    /** SIGKILL: no shutdown hook, no transaction ended, no offset committed. */
    void kill(String name) throws InterruptedException {
        LauncherProcess process = running.remove(name);
        process.process().destroyForcibly();
        assertThat(process.process().waitFor(30, TimeUnit.SECONDS)).as(name + " is gone").isTrue();
    }

    /** Runs {@code ./radflow upload} to its end in the background; the caller waits on it. */
    LauncherProcess upload(String project, String dataset, Path dir) throws IOException {
        return LauncherProcess.start(home, JVM, connected("upload", "--project", project, "--dataset", dataset, "--no-progress",
                dir.toString()));
    }

    String registryUrl() {
        return registryUrl;
    }

    private String[] connected(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", bootstrap, "--schema-registry-url", schemaRegistry));
        return all.toArray(String[]::new);
    }

    /** SIGTERM to every process, then what did not stop goes. */
    @Override
    public void close() {
        for (Map.Entry<String, LauncherProcess> e : running.entrySet()) {
            try {
                e.getValue().terminate(Duration.ofSeconds(60));
            } catch (AssertionError ignored) {
                // did not stop in time: killed below
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            } finally {
                e.getValue().close();
            }
        }
        running.clear();
    }
}
