package io.radflow.demo;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.content.FileContentStore;
import io.radflow.content.StorageConfig;
import io.radflow.ingestion.IngestionKafka;
import io.radflow.ingestion.IngestionMetrics;
import io.radflow.ingestion.UploadEvents;
import io.radflow.ingestion.UploadSummary;
import io.radflow.ingestion.Uploader;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.avro.Scope;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiPredicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline on sample data, driven from the outside like a hospital would: models are
 * registered through the registry's REST API, studies go through the uploader, and the outcome
 * is read back from the topics. The services themselves (registry, trigger, worker) must already
 * run against {@code config}'s cluster.
 */
public final class Demo {

    private static final Logger log = LoggerFactory.getLogger(Demo.class);
    public static final String DATASET = "samples";

    /**
     * What the demo is told: where things are, what to upload, where to write.
     *
     * @param autoRunReady answers whether the trigger would already auto-run these models of the
     *                     project on new uploads (settings reach it asynchronously)
     * @param project      the project to create and register the models in; null for a new one per run
     * @param upload       false when the samples arrive through another upload system (an Orthanc
     *                     bridge publishing for {@code project}): the demo then only waits for them
     */
    public record Options(RadflowConfig config, URI registryUrl, String adminKey, Path workDir, List<Path> extraSamples,
                          Path predictionsFile, Duration timeout, BiPredicate<String, List<String>> autoRunReady,
                          String project, boolean upload) {
    }

    /** How long the trigger may take to see newly registered settings before the demo gives up. */
    static final Duration SETTINGS_WAIT = Duration.ofSeconds(60);

    /** A project per run, so a demo against a cluster that saw earlier runs starts clean. */
    static String projectId(Clock clock) {
        return "radflow-demo-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(java.time.ZoneOffset.UTC).format(clock.instant());
    }

    /** Stages the demo reports as it goes. */
    public interface Listener {
        void stage(String message);

        void progress(PipelineWatcher.Snapshot snapshot, Map<Scope, Integer> expectedJobs);
    }

    private Demo() {
    }

    public static DemoReport run(Options options, Listener listener) throws InterruptedException {
        SampleStudies.Samples samples = SampleStudies.collect(options.workDir(), options.extraSamples(), options.upload());
        Map<Scope, Integer> expected = new EnumMap<>(Scope.class);
        expected.put(Scope.INSTANCE, samples.structure().instances());
        expected.put(Scope.SERIES, samples.structure().series());
        expected.put(Scope.STUDY, samples.structure().studies().size());

        listener.stage("Registering the sample models through the registry's REST API (" + options.registryUrl() + ")");
        RegistryApi registry = new RegistryApi(options.registryUrl(), options.adminKey());
        String project = options.project() != null ? options.project() : projectId(Clock.systemUTC());
        registry.createProject(project, "Radflow demo");
        List<String> modelIds = DemoModels.register(registry, project);
        for (DemoModels.Model m : DemoModels.ALL) {
            listener.stage("  " + m.name() + ": " + m.library() + " model, " + m.scope().name().toLowerCase(Locale.ROOT)
                    + " scope, auto-run on");
        }
        awaitAutoRun(options, project, modelIds);

        TopicSerdes serdes = IngestionKafka.serdes(options.config());
        ExecutorService uploader = Executors.newSingleThreadExecutor(r -> new Thread(r, "radflow-demo-uploader"));
        AtomicBoolean stopUpload = new AtomicBoolean();
        try (PipelineWatcher watcher = new PipelineWatcher(options.config(), serdes, project, options.predictionsFile())) {
            Future<UploadSummary> upload;
            if (options.upload()) {
                listener.stage("Uploading " + samples.structure().instances() + " instances (" + String.join("; ", samples.sources())
                        + "); jobs start as they arrive");
                // The upload runs beside the watcher, so a prediction is timed when it is committed, not after the last file.
                upload = uploader.submit(() -> upload(options.config(), serdes, project, samples.paths(), stopUpload));
            } else {
                listener.stage("Waiting for " + samples.structure().instances() + " images to arrive for project " + project
                        + " through another upload system (" + String.join("; ", samples.sources()) + ")");
                upload = java.util.concurrent.CompletableFuture.completedFuture(null);
            }
            boolean uploaded = false;
            boolean finished = false;
            long deadline = System.nanoTime() + options.timeout().toNanos();
            while (!finished && System.nanoTime() < deadline) {
                watcher.poll(Duration.ofMillis(250));
                if (!uploaded && upload.isDone()) {
                    UploadSummary summary = uploadResult(upload);
                    uploaded = true;
                    if (summary != null) {
                        log.info("demo upload done instances={} series={} studies={} markers={}", summary.instances(),
                                summary.series(), summary.studies(), summary.markers());
                        listener.stage("Upload done; waiting for jobs and predictions (timeout " + options.timeout().toSeconds() + " s)");
                    }
                }
                PipelineWatcher.Snapshot now = watcher.snapshot();
                listener.progress(now, expected);
                finished = uploaded && PipelineWatcher.complete(now, expected);
            }
            if (finished) {
                watcher.drainCommitted(Duration.ofSeconds(10));
            }
            return new DemoReport(samples.sources(), samples.structure(), expected, watcher.snapshot(),
                    watcher.scopesWithPredictions(), watcher.deadLetters(), watcher.latenciesMillis(), options.predictionsFile(),
                    finished);
        } finally {
            // Stopped early (Ctrl-C, an error): the uploader ends after its current file and closes its
            // producer itself; interrupting it would turn file reads into bogus "unreadable DICOM" warnings.
            stopUpload.set(true);
            uploader.shutdown();
            boolean interrupted = Thread.interrupted();
            try {
                if (!uploader.awaitTermination(30, TimeUnit.SECONDS)) {
                    uploader.shutdownNow();
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Waits until the trigger would auto-run every registered model on the project's new uploads. */
    private static void awaitAutoRun(Options options, String project, List<String> modelIds) throws InterruptedException {
        long deadline = System.nanoTime() + SETTINGS_WAIT.toNanos();
        while (!options.autoRunReady().test(project, modelIds)) {
            if (System.nanoTime() > deadline) {
                throw new RadflowException(Reason.RUNTIME_UNAVAILABLE, "the trigger has not seen project " + project
                        + " and models " + modelIds + " on the settings topics after " + SETTINGS_WAIT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    private static UploadSummary uploadResult(Future<UploadSummary> upload) throws InterruptedException {
        try {
            return upload.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException("upload failed", e.getCause());
        }
    }

    private static UploadSummary upload(RadflowConfig config, TopicSerdes serdes, String project, List<Path> paths,
                                        AtomicBoolean stop) {
        UploadEvents events = new UploadEvents("radflow-demo", project, DATASET, Clock.systemUTC());
        FileContentStore store = new FileContentStore(config.get(StorageConfig.CONTENT_STORE_DIR));
        try (KafkaProducer<String, SpecificRecord> producer = IngestionKafka.producer(config, serdes, "radflow-demo-uploader", null)) {
            return new Uploader(producer, store, events, new IngestionMetrics(new SimpleMeterRegistry(), "demo"))
                    .upload(Uploader.files(paths), new Uploader.Progress() {
                        @Override
                        public void start(int files) {
                        }

                        @Override
                        public void done(Path file) {
                            if (stop.get()) {
                                throw new CancellationException("demo stopped during the upload");
                            }
                        }
                    });
        }
    }
}
