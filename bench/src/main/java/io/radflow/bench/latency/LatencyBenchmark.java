package io.radflow.bench.latency;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.bench.Percentiles;
import io.radflow.bench.latency.VisibilityWatcher.Sighting;
import io.radflow.bench.latency.VisibilityWatcher.Stage;
import io.radflow.bench.worker.BenchJobs;
import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.io.Directories;
import io.radflow.content.FileContentStore;
import io.radflow.content.StoredContent;
import io.radflow.dicom.DicomReader;
import io.radflow.ingestion.IngestionKafka;
import io.radflow.ingestion.InstanceInfo;
import io.radflow.ingestion.UploadEvents;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.trigger.AutorunTriggerService;
import io.radflow.trigger.TriggerConfig;
import io.radflow.worker.InferenceWorker;
import io.radflow.worker.WorkerConfig;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Upload to visible prediction, as a user of the pipeline sees it: an INSTANCE-scope auto-run
 * ONNX model (the demo's {@code brightness.onnx}), warm, each upload a new instance, the trigger
 * and one worker in this JVM, every hop timed by a {@code read_committed} reader; beside it, in
 * the same run, the floor: a two-hop exactly-once relay with the same producer and commit
 * settings and no work.
 */
public final class LatencyBenchmark {

    static final String MODEL_RESOURCE = "/io/radflow/demo/models/brightness.onnx";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * @param samples uploads per measured row
     * @param rate    uploads per second of the steady-rate rows
     */
    public record Options(int samples, double rate, int warmup, LatencyProfile profile, Duration triggerCommitInterval,
                          Duration workerCommitInterval, int batch, Path dicom) {

        /** True when the commit intervals are the profile's own, so its goal applies. */
        boolean asProfile() {
            return triggerCommitInterval.equals(profile.triggerCommitInterval()) && workerCommitInterval.equals(profile.workerCommitInterval());
        }
    }

    /** One row: end-to-end percentiles and each hop's. */
    public record Row(String name, Percentiles endToEnd, List<Percentiles> hops) {
    }

    private final RadflowConfig common;
    private final Options options;
    private final PrintWriter out;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    public LatencyBenchmark(RadflowConfig common, Options options, PrintWriter out) {
        this.common = common;
        this.options = options;
        this.out = out;
    }

    public List<Row> run() throws Exception {
        Path dir = Files.createTempDirectory("radflow-bench-latency-");
        String bootstrap = common.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS);
        String project = "bench-latency-" + run;
        String modelId = "bench-latency-" + run;
        List<String> relayTopics = List.of("radflow-bench-latency-" + run + "-a", "radflow-bench-latency-" + run + "-b",
                "radflow-bench-latency-" + run + "-c");
        TopicSerdes serdes = IngestionKafka.serdes(common);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            int partitions = TopicCatalog.DATASET_UPLOADS.partitions();
            admin.createTopics(relayTopics.stream().map(t -> new NewTopic(t, partitions, (short) -1)).toList()).all()
                    .get(30, TimeUnit.SECONDS);
            FileContentStore content = new FileContentStore(dir.resolve("content"));
            publishSettings(serdes, project, modelId, artifact(dir));
            String group = "radflow-bench-latency-worker-" + run;
            BenchJobs.startGroupAtEnd(common, group, TopicCatalog.INFERENCE_JOBS, TopicCatalog.RUN_JOBS);
            RadflowConfig workerConfig = BenchJobs.workerConfig(common, group, 1, 64, dir.resolve("content"), dir.resolve("artifacts"),
                    Map.of(WorkerConfig.COMMIT_INTERVAL.name(), options.workerCommitInterval().toMillis() + "ms"));
            out.printf("Latency benchmark: upload to visible prediction, INSTANCE scope, brightness.onnx (batch %d) on %s; trigger and one "
                            + "worker (1 executor thread) in this JVM; trigger.commit.interval %d ms, worker.commit.interval %d ms; %d uploads "
                            + "a row after %d warm-up%n", options.batch(), options.dicom().getFileName(),
                    options.triggerCommitInterval().toMillis(), options.workerCommitInterval().toMillis(), options.samples(),
                    options.warmup());
            out.flush();
            Map<String, String> jobToItem = new ConcurrentHashMap<>();
            try (AutorunTriggerService trigger = new AutorunTriggerService(triggerConfig(dir));
                 InferenceWorker worker = InferenceWorker.builder(workerConfig).meterRegistry(new SimpleMeterRegistry()).build();
                 KafkaProducer<String, SpecificRecord> uploads = IngestionKafka.producer(common, serdes, "bench-latency-uploader", null);
                 // The floor's first hop is sent with the uploader's own producer settings.
                 KafkaProducer<String, byte[]> relayIn = new KafkaProducer<>(IngestionKafka.producerProperties(common,
                         "bench-latency-relay-in", null), new StringSerializer(), new ByteArraySerializer());
                 TwoHopRelay relay = new TwoHopRelay(bootstrap, relayTopics.get(0), relayTopics.get(1), relayTopics.get(2),
                         options.triggerCommitInterval(), run);
                 VisibilityWatcher pipelineWatch = new VisibilityWatcher(bootstrap, pipelineStages(serdes, jobToItem));
                 VisibilityWatcher floorWatch = new VisibilityWatcher(bootstrap, relayTopics.stream()
                         .map(t -> new Stage(t, r -> r.key())).toList())) {
                trigger.start();
                worker.start();
                awaitReady(trigger, worker, project, modelId);
                Sender pipeline = new PipelineSender(uploads, content, project, pipelineWatch);
                Sender floor = (item) -> {
                    Sighting s = floorWatch.track(item);
                    relayIn.send(new ProducerRecord<>(relayTopics.get(0), item, item.getBytes(StandardCharsets.UTF_8))).get();
                    return s;
                };
                oneAtATime(pipeline, pipelineWatch, "warm-up", options.warmup());
                oneAtATime(floor, floorWatch, "warm-up", options.warmup());
                out.printf("%-48s %8s %8s %8s   %s%n", "", "p50 ms", "p95 ms", "p99 ms", "p50 of each hop, ms");
                List<Row> rows = new ArrayList<>();
                rows.add(print(oneAtATime(floor, floorWatch, "floor: 2-hop exactly-once relay, one at a time", options.samples()),
                        "to a", "to b", "to c"));
                rows.add(print(oneAtATime(pipeline, pipelineWatch, "pipeline, one at a time", options.samples()),
                        "upload", "job", "prediction"));
                String rate = String.format("%.0f/s", options.rate());
                rows.add(print(steady(floor, floorWatch, "floor: 2-hop exactly-once relay, " + rate, options.samples()),
                        "to a", "to b", "to c"));
                rows.add(print(steady(pipeline, pipelineWatch, "pipeline, " + rate, options.samples()), "upload", "job", "prediction"));
                for (int i = 0; i < 2; i++) {
                    Row floorRow = rows.get(2 * i);
                    Row pipelineRow = rows.get(2 * i + 1);
                    out.printf("%s: pipeline - floor: p50 %+.1f ms, p99 %+.1f ms%n", i == 0 ? "one at a time" : rate,
                            pipelineRow.endToEnd().at(50) - floorRow.endToEnd().at(50),
                            pipelineRow.endToEnd().at(99) - floorRow.endToEnd().at(99));
                }
                if (options.asProfile()) {
                    Row worst = rows.get(1).endToEnd().at(50) > rows.get(3).endToEnd().at(50) ? rows.get(1) : rows.get(3);
                    double p50 = worst.endToEnd().at(50);
                    double p99 = Math.max(rows.get(1).endToEnd().at(99), rows.get(3).endToEnd().at(99));
                    LatencyProfile p = options.profile();
                    out.printf("goal of the %s profile: p50 <= %d ms%s: %s (pipeline p50 up to %.1f ms, p99 up to %.1f ms)%n", p.name(),
                            p.goalP50Ms(), p.goalP99Ms() > 0 ? ", p99 <= " + p.goalP99Ms() + " ms" : "",
                            p50 <= p.goalP50Ms() && (p.goalP99Ms() == 0 || p99 <= p.goalP99Ms()) ? "met" : "NOT met", p50, p99);
                }
                out.flush();
                return rows;
            } finally {
                admin.deleteTopics(relayTopics);
            }
        } finally {
            Directories.deleteQuietly(dir);
        }
    }

    /** Sends one item and returns its sighting, started just before the send. */
    @FunctionalInterface
    private interface Sender {
        Sighting send(String item) throws Exception;
    }

    /** What the uploader does for one file: store the content, publish the instance's event, wait for the broker's ack. */
    private final class PipelineSender implements Sender {
        private final KafkaProducer<String, SpecificRecord> producer;
        private final FileContentStore content;
        private final UploadEvents events;
        private final VisibilityWatcher watcher;
        private final InstanceInfo template;
        private int sent;

        PipelineSender(KafkaProducer<String, SpecificRecord> producer, FileContentStore content, String project, VisibilityWatcher watcher)
                throws Exception {
            this.producer = producer;
            this.content = content;
            this.events = new UploadEvents("bench-latency", project, "bench", Clock.systemUTC());
            this.watcher = watcher;
            this.template = InstanceInfo.of(DicomReader.headerOnly().read(options.dicom()));
        }

        @Override
        public Sighting send(String item) throws Exception {
            // Each upload a new instance (the trigger would rightly ignore a second copy), fifty to a study.
            String study = "2.25." + Long.toUnsignedString(UUID.nameUUIDFromBytes((run + sent / 50).getBytes(StandardCharsets.UTF_8))
                    .getMostSignificantBits());
            sent++;
            InstanceInfo info = new InstanceInfo(study, study + ".1", item, template.sopClassUid(), template.modality(), sent,
                    template.numberOfFrames(), template.imagesInAcquisition(), template.hasPixelData(), template.bodyPartExamined(),
                    template.seriesDescription());
            Sighting s = watcher.track(item);
            StoredContent stored = content.put(options.dicom());
            ContentRef ref = ContentRef.newBuilder().setUri(stored.uri().toString()).setContentType("application/dicom")
                    .setSizeBytes(stored.sizeBytes()).setSha256(stored.sha256()).build();
            DatasetUploadEvent event = events.instance(info, ref, stored.sha256());
            producer.send(new ProducerRecord<>(TopicCatalog.DATASET_UPLOADS.name(), study, event)).get();
            return s;
        }
    }

    private Row oneAtATime(Sender sender, VisibilityWatcher watcher, String name, int count) throws Exception {
        List<double[]> samples = new ArrayList<>();
        java.util.Random pauses = new java.util.Random(42);
        for (int i = 0; i < count; i++) {
            // A pause of 0-200 ms first, as between a person's uploads: sent right after the last one
            // became visible, every upload would land at the same point of the trigger's commit tick.
            Thread.sleep(pauses.nextInt(200));
            String item = item(name, i);
            Sighting s = sender.send(item);
            watcher.await(item, s, TIMEOUT);
            samples.add(s.millis());
        }
        return row(name, samples);
    }

    private Row steady(Sender sender, VisibilityWatcher watcher, String name, int count) throws Exception {
        long interval = (long) (1e9 / options.rate());
        long start = System.nanoTime();
        Map<String, Sighting> sent = new HashMap<>();
        for (int i = 0; i < count; i++) {
            long wait = start + i * interval - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String item = item(name, i);
            sent.put(item, sender.send(item));
        }
        List<double[]> samples = new ArrayList<>();
        for (Map.Entry<String, Sighting> e : sent.entrySet()) {
            watcher.await(e.getKey(), e.getValue(), TIMEOUT);
            samples.add(e.getValue().millis());
        }
        return row(name, samples);
    }

    private String item(String row, int i) {
        return "2.25." + Long.toUnsignedString(UUID.nameUUIDFromBytes((run + row + i).getBytes(StandardCharsets.UTF_8)).getLeastSignificantBits());
    }

    private static Row row(String name, List<double[]> samples) {
        List<Percentiles> hops = new ArrayList<>();
        for (int hop = 1; hop < samples.get(0).length; hop++) {
            int h = hop;
            hops.add(Percentiles.of(samples.stream().map(s -> s[h]).toList()));
        }
        return new Row(name, Percentiles.of(samples.stream().map(s -> s[0]).toList()), hops);
    }

    private Row print(Row row, String... hopNames) {
        StringBuilder hops = new StringBuilder();
        for (int i = 0; i < hopNames.length; i++) {
            hops.append(String.format("%s %.1f", hopNames[i], row.hops().get(i).at(50))).append(i < hopNames.length - 1 ? ", " : "");
        }
        out.printf("%-48s %8.1f %8.1f %8.1f   %s%n", row.name(), row.endToEnd().at(50), row.endToEnd().at(95), row.endToEnd().at(99), hops);
        out.flush();
        return row;
    }

    private static List<Stage> pipelineStages(TopicSerdes serdes, Map<String, String> jobToItem) {
        var uploads = serdes.valueDeserializer(TopicCatalog.DATASET_UPLOADS);
        var jobs = serdes.valueDeserializer(TopicCatalog.INFERENCE_JOBS);
        var predictions = serdes.valueDeserializer(TopicCatalog.PREDICTIONS);
        return List.of(
                new Stage(TopicCatalog.DATASET_UPLOADS.name(), r -> {
                    DatasetUploadEvent e = uploads.deserialize(r.topic(), r.value());
                    return e.getPayload() instanceof DataUploaded d ? d.getSopInstanceUid() : null;
                }),
                new Stage(TopicCatalog.INFERENCE_JOBS.name(), r -> {
                    InferenceJob job = jobs.deserialize(r.topic(), r.value());
                    String item = job.getInstances().get(0).getSopInstanceUid();
                    jobToItem.put(job.getJobId(), item);
                    return item;
                }),
                new Stage(TopicCatalog.PREDICTIONS.name(), r -> {
                    Prediction p = predictions.deserialize(r.topic(), r.value());
                    return jobToItem.get(p.getJobId());
                }));
    }

    private StoredContent artifact(Path dir) throws Exception {
        Path model = dir.resolve("brightness.onnx");
        try (InputStream in = LatencyBenchmark.class.getResourceAsStream(MODEL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the demo's model " + MODEL_RESOURCE + " is not on the class path");
            }
            Files.copy(in, model, StandardCopyOption.REPLACE_EXISTING);
        }
        return new FileContentStore(dir.resolve("artifacts")).put(model);
    }

    /** The project and its model, auto-run on since a minute ago (uploads are judged by the settings of their time). */
    private void publishSettings(TopicSerdes serdes, String project, String modelId, StoredContent artifact) throws Exception {
        Instant before = Instant.now().minusSeconds(60);
        ModelSettings bench = BenchJobs.model(modelId, artifact, options.batch());
        ModelVersion version = ModelVersion.newBuilder(bench.getVersions().get(0)).setCreatedAt(before)
                .setDefaultArgs(Map.of("output.activation", "softmax")).build();
        ModelSettings model = ModelSettings.newBuilder(bench).setProjectId(project).setAutoRun(true).setVersions(List.of(version))
                .setCreatedAt(before).setUpdatedAt(before).build();
        ProjectSettings projectSettings = ProjectSettings.newBuilder().setProjectId(project).setName("latency benchmark").setSiteId("bench")
                .setCreatedAt(before).setUpdatedAt(before).build();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                common.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS), "acks", "all"), new StringSerializer(), new ByteArraySerializer())) {
            BenchJobs.send(producer, serdes, TopicCatalog.PROJECT_SETTINGS, project, projectSettings);
            BenchJobs.send(producer, serdes, TopicCatalog.MODEL_SETTINGS, modelId, model);
            producer.flush();
        }
    }

    private RadflowConfig triggerConfig(Path dir) {
        Map<String, String> values = new HashMap<>();
        values.put(CommonConfig.KAFKA_BOOTSTRAP_SERVERS.name(), common.get(CommonConfig.KAFKA_BOOTSTRAP_SERVERS));
        values.put(CommonConfig.SCHEMA_REGISTRY_URL.name(), common.get(CommonConfig.SCHEMA_REGISTRY_URL).toString());
        values.put(CommonConfig.METRICS_PORT.name(), "-1");
        values.put(TriggerConfig.APPLICATION_ID.name(), "radflow-bench-latency-trigger-" + run);
        values.put(TriggerConfig.STATE_DIR.name(), dir.resolve("trigger-state").toString());
        values.put(TriggerConfig.COMMIT_INTERVAL.name(), options.triggerCommitInterval().toMillis() + "ms");
        // On a cluster that earlier runs used, start at the end of the uploads instead of judging them all again.
        values.put(TriggerConfig.STREAMS_PREFIX + "main.consumer.auto.offset.reset", "latest");
        return RadflowConfig.load(TriggerConfig.DEFINITION, ConfigSource.of("bench", values));
    }

    private static void awaitReady(AutorunTriggerService trigger, InferenceWorker worker, String project, String modelId)
            throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!(trigger.autoRunsNow(project, List.of(modelId)) && worker.assigned())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the trigger and the worker were not ready within " + TIMEOUT);
            }
            Thread.sleep(50);
        }
    }
}
