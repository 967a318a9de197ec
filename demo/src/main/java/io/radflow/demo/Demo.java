package io.radflow.demo;

import io.radflow.common.config.RadflowConfig;
import io.radflow.content.FileContentStore;
import io.radflow.content.StorageConfig;
import io.radflow.ingestion.IngestionKafka;
import io.radflow.ingestion.IngestionMetrics;
import io.radflow.ingestion.UploadEvents;
import io.radflow.ingestion.UploadSummary;
import io.radflow.ingestion.Uploader;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.avro.Scope;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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

    /** What the demo is told: where things are, what to upload, where to write. */
    public record Options(RadflowConfig config, URI registryUrl, String adminKey, Path workDir, List<Path> extraSamples,
                          Path predictionsFile, Duration timeout) {
    }

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

    public static DemoReport run(Options options, Listener listener) {
        SampleStudies.Samples samples = SampleStudies.collect(options.workDir(), options.extraSamples());
        Map<Scope, Integer> expected = new EnumMap<>(Scope.class);
        expected.put(Scope.INSTANCE, samples.structure().instances());
        expected.put(Scope.SERIES, samples.structure().series());
        expected.put(Scope.STUDY, samples.structure().studies().size());

        listener.stage("Registering the sample models through the registry's REST API (" + options.registryUrl() + ")");
        RegistryApi registry = new RegistryApi(options.registryUrl(), options.adminKey());
        String project = projectId(Clock.systemUTC());
        registry.createProject(project, "Radflow demo");
        DemoModels.register(registry, project);
        for (DemoModels.Model m : DemoModels.ALL) {
            listener.stage("  " + m.name() + ": " + m.library() + " model, " + m.scope().name().toLowerCase() + " scope, auto-run on");
        }

        TopicSerdes serdes = IngestionKafka.serdes(options.config());
        try (PipelineWatcher watcher = new PipelineWatcher(options.config(), serdes, options.predictionsFile())) {
            listener.stage("Uploading " + samples.structure().instances() + " instances (" + String.join("; ", samples.sources()) + ")");
            UploadSummary upload = upload(options.config(), serdes, project, samples.paths());
            log.info("demo upload done instances={} series={} studies={} markers={}", upload.instances(), upload.series(),
                    upload.studies(), upload.markers());
            listener.stage("Waiting for jobs and predictions (timeout " + options.timeout().toSeconds() + " s)");
            Consumer<PipelineWatcher.Snapshot> progress = s -> listener.progress(s, expected);
            boolean finished = watcher.awaitCompletion(expected, options.timeout(), progress);
            return new DemoReport(samples.sources(), samples.structure(), expected, watcher.snapshot(),
                    watcher.scopesWithPredictions(), watcher.deadLetters(), watcher.latenciesMillis(), options.predictionsFile(),
                    finished);
        }
    }

    private static UploadSummary upload(RadflowConfig config, TopicSerdes serdes, String project, List<Path> paths) {
        UploadEvents events = new UploadEvents("radflow-demo", project, DATASET, Clock.systemUTC());
        FileContentStore store = new FileContentStore(config.get(StorageConfig.CONTENT_STORE_DIR));
        try (KafkaProducer<String, SpecificRecord> producer = IngestionKafka.producer(config, serdes, "radflow-demo-uploader", null)) {
            return new Uploader(producer, store, events, new IngestionMetrics(new SimpleMeterRegistry(), "demo"))
                    .upload(Uploader.files(paths), Uploader.Progress.NONE);
        }
    }
}
