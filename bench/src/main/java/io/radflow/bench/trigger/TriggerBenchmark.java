package io.radflow.bench.trigger;

import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import io.radflow.dicom.SopClasses;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicProvisioner;
import io.radflow.schemas.avro.Batching;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.ModelFileType;
import io.radflow.schemas.avro.ModelLibrary;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import io.radflow.trigger.AutorunTriggerService;
import io.radflow.trigger.TriggerConfig;
import io.radflow.trigger.TriggerTopics;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upload events per second through the trigger at INSTANCE scope (one auto-run model: every event
 * becomes one job), beside plain consume-and-produce loops over the same input, on the same broker
 * and the catalog's topic layout, measured in the same run. Two diagnostics split the gap: the
 * exactly-once loop doing the trigger's per-event work (no Kafka Streams, no state) and Kafka
 * Streams copying the records (no work, no state). Each run uses topics of its own and deletes them
 * afterwards.
 */
public final class TriggerBenchmark {

    private static final Logger log = LoggerFactory.getLogger(TriggerBenchmark.class);
    /** The trigger's default commit interval, which every contender uses unless told otherwise. */
    public static final Duration COMMIT_INTERVAL = TriggerConfig.COMMIT_INTERVAL.defaultValue();
    static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final String MODEL_ID = "bench-model";
    private static final int MODEL_VERSION = 1;

    private TriggerBenchmark() {
    }

    /**
     * @param instancesPerStudy uploads are keyed by study; this spreads them over the partitions
     * @param rounds            measured rounds; each runs every contender once, in rotating order, and the
     *                          median is reported
     * @param warmUp            run one unmeasured round first, so every contender is measured with the JIT warm
     * @param streamThreads     the trigger's Kafka Streams threads (the loops have one thread each)
     */
    /** @param commitInterval how often every contender commits (trigger.commit.interval for the trigger) */
    public record Options(int records, int instancesPerStudy, int rounds, boolean warmUp, int streamThreads, Duration commitInterval) {

        public Options(int records, int instancesPerStudy, int rounds, boolean warmUp, int streamThreads) {
            this(records, instancesPerStudy, rounds, warmUp, streamThreads, COMMIT_INTERVAL);
        }

        public Options {
            if (records < 1000) {
                throw new IllegalArgumentException("records must be at least 1000, was " + records);
            }
            if (instancesPerStudy < 1) {
                throw new IllegalArgumentException("instancesPerStudy must be positive");
            }
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds must be positive");
            }
            if (streamThreads < 1) {
                throw new IllegalArgumentException("streamThreads must be positive");
            }
        }
    }

    /**
     * One run of one contender: its rate, and the CPU its processing thread spent per event (whole run).
     *
     * @param split where the stream threads spent their time; null for the plain loops
     * @param state what the contender's state cost (its changelogs); null for contenders without state
     */
    record Measurement(double perSecond, double cpuMicrosPerEvent, ThreadTimeSplit split, ChangelogSize state) {
    }

    /** One contender's measurements, one per measured round. */
    public record Figure(String name, List<Double> perSecond, List<Double> cpuMicrosPerEvent) {

        public double median() {
            return median(perSecond);
        }

        public double medianCpu() {
            return median(cpuMicrosPerEvent);
        }

        private static double median(List<Double> values) {
            List<Double> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }
    }

    /**
     * @param jobLoop      diagnostic: the exactly-once loop doing the trigger's per-event work (decode, check, build and
     *                     hash the job, encode it) without Kafka Streams and without state, that work's share of the cost
     * @param streamsCopy  diagnostic: Kafka Streams copying the records unchanged, the framework's share of the cost
     * @param triggerSplit where the trigger's stream threads spent their time in its last measured round
     * @param triggerState what the trigger's state cost in its last measured round (its changelogs)
     */
    public record Result(int records, int partitions, Duration commitInterval, Figure exactlyOnceLoop, Figure atLeastOnceLoop, Figure jobLoop,
                         Figure streamsCopy, Figure trigger, ThreadTimeSplit triggerSplit, ChangelogSize triggerState) {

        public double ratioToExactlyOnceLoop() {
            return trigger.median() / exactlyOnceLoop.median();
        }

        public double ratioToAtLeastOnceLoop() {
            return trigger.median() / atLeastOnceLoop.median();
        }

        public List<String> report() {
            List<String> lines = new ArrayList<>();
            lines.add(String.format("%,d upload events, INSTANCE scope (one auto-run model: one job per event), %d partitions in and out,"
                    + " commit every %d ms; median of %d rounds (each round, events/s)", records, partitions, commitInterval.toMillis(),
                    trigger.perSecond().size()));
            lines.add(String.format("  %-62s %16s  %s  %s", "", "median", "CPU/event", "rounds"));
            for (Figure f : List.of(exactlyOnceLoop, atLeastOnceLoop, jobLoop, streamsCopy, trigger)) {
                lines.add(String.format("  %-62s %,9.0f events/s  %6.1f us   (%s)", f.name(), f.median(), f.medianCpu(),
                        String.join(", ", f.perSecond().stream().map(v -> String.format("%,.0f", v)).toList())));
            }
            lines.add(String.format("  ratio trigger / plain exactly-once loop:   %.2f (target >= 0.50)", ratioToExactlyOnceLoop()));
            lines.add(String.format("  ratio trigger / plain at-least-once loop:  %.2f", ratioToAtLeastOnceLoop()));
            lines.add(String.format("  diagnostics / plain exactly-once loop:     loop with the trigger's work %.2f, Kafka Streams copy %.2f",
                    jobLoop.median() / exactlyOnceLoop.median(), streamsCopy.median() / exactlyOnceLoop.median()));
            lines.add("  trigger's stream threads, last round (Kafka Streams thread metrics): " + triggerSplit.describe());
            lines.add("  trigger's state per 10,000 instances, last round: " + triggerState.describe(records, 10_000));
            return lines;
        }
    }

    /** One thing to measure: runs over the uploads once, writing to the given output topic. */
    private interface Contender {
        Measurement measure(Topic<byte[], byte[]> output, String id) throws Exception;
    }

    public static Result run(String bootstrapServers, String schemaRegistryUrl, Options options, Consumer<String> progress)
            throws Exception {
        String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        TriggerTopics topics = TriggerTopics.withSuffix(run);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers));
             HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistrySettings.of(URI.create(schemaRegistryUrl)))) {
            TopicProvisioner.ensure(admin, topics.all(), (short) -1);
            try {
                TopicSerdes serdes = new TopicSerdes(registry, true);
                String projectId = "bench-project-" + run;
                publishSettings(bootstrapServers, serdes, topics, projectId);
                progress.accept(String.format("producing %,d upload events...", options.records()));
                produceUploads(bootstrapServers, serdes, topics, projectId, options);

                int records = options.records();
                Map<String, Contender> contenders = new LinkedHashMap<>();
                String exactlyOnceName = "plain loop, exactly-once (transactions, offsets in them)";
                contenders.put(exactlyOnceName,
                        (out, id) -> measureLoop(bootstrapServers, topics, out, records, true, id, PlainLoop.Transform.COPY, options.commitInterval()));
                String atLeastOnceName = "plain loop, at-least-once (acks=all, offset commits)";
                contenders.put(atLeastOnceName,
                        (out, id) -> measureLoop(bootstrapServers, topics, out, records, false, id, PlainLoop.Transform.COPY, options.commitInterval()));
                InstanceJobWork jobWork = new InstanceJobWork(topics.uploads().name(), serdes.valueDeserializer(topics.uploads()),
                        serdes.keySerializer(topics.jobs()), serdes.valueSerializer(topics.jobs()), MODEL_ID, MODEL_VERSION);
                String jobLoopName = "plain loop doing the trigger's work, exactly-once (diagnostic)";
                contenders.put(jobLoopName, (out, id) -> measureLoop(bootstrapServers, topics, out, records, true, id, jobWork, options.commitInterval()));
                String streamsCopyName = "Kafka Streams copy, exactly_once_v2 (diagnostic)";
                contenders.put(streamsCopyName, (out, id) -> measureStreamsCopy(bootstrapServers, topics, out, records, id, options.commitInterval()));
                String triggerName = "auto-run trigger (Kafka Streams, exactly_once_v2" + (options.streamThreads() > 1
                        ? ", " + options.streamThreads() + " threads)" : ")");
                contenders.put(triggerName, (out, id) -> measureTrigger(bootstrapServers, schemaRegistryUrl, topics, out, records,
                        options.streamThreads(), id, options.commitInterval()));
                List<String> names = new ArrayList<>(contenders.keySet());
                Map<String, List<Double>> rates = new HashMap<>();
                Map<String, List<Double>> cpu = new HashMap<>();
                ThreadTimeSplit triggerSplit = null;
                ChangelogSize triggerState = null;
                int firstRound = options.warmUp() ? 0 : 1;
                // Every output topic is created before the first contender runs, so none writes to a topic
                // whose partitions are still getting their leaders.
                List<Topic<?, ?>> outputs = new ArrayList<>();
                for (int round = firstRound; round <= options.rounds(); round++) {
                    for (int c = 0; c < names.size(); c++) {
                        outputs.add(output(topics, outputId(run, round, c)));
                    }
                }
                TopicProvisioner.ensure(admin, outputs, (short) -1);
                for (int round = firstRound; round <= options.rounds(); round++) {
                    for (int i = 0; i < names.size(); i++) {
                        String name = names.get((i + round) % names.size());
                        String id = outputId(run, round, names.indexOf(name));
                        Topic<byte[], byte[]> out = output(topics, id);
                        Measurement m = contenders.get(name).measure(out, id);
                        progress.accept(String.format("%s %-62s %,9.0f events/s %6.1f us CPU/event%s",
                                round == 0 ? "warm-up " : "round " + round + " ", name, m.perSecond(), m.cpuMicrosPerEvent(),
                                m.split() == null ? "" : " (" + m.split().describe() + ")"));
                        if (round > 0) {
                            if (name.equals(triggerName)) {
                                triggerSplit = m.split();
                                triggerState = m.state();
                            }
                            rates.computeIfAbsent(name, n -> new ArrayList<>()).add(m.perSecond());
                            cpu.computeIfAbsent(name, n -> new ArrayList<>()).add(m.cpuMicrosPerEvent());
                        }
                    }
                }
                Function<String, Figure> figure = n -> new Figure(n, rates.get(n), cpu.get(n));
                return new Result(records, topics.uploads().partitions(), options.commitInterval(), figure.apply(exactlyOnceName), figure.apply(atLeastOnceName),
                        figure.apply(jobLoopName), figure.apply(streamsCopyName), figure.apply(triggerName), triggerSplit,
                        triggerState);
            } finally {
                deleteTopicsOf(admin, run);
            }
        }
    }

    /** Names one contender's run in one round: its output topic, consumer group and Streams application id. */
    private static String outputId(String run, int round, int contender) {
        return run + "-r" + round + "-c" + contender;
    }

    /** An output topic with the jobs topic's layout. */
    private static Topic<byte[], byte[]> output(TriggerTopics topics, String id) {
        Topic<?, ?> jobs = topics.jobs();
        return new Topic<>("inference-jobs-" + id, byte[].class, byte[].class, jobs.partitions(), jobs.cleanup(),
                jobs.retentionMs(), "benchmark output");
    }

    private static Measurement measureLoop(String bootstrap, TriggerTopics topics, Topic<byte[], byte[]> out, int records,
                                           boolean exactlyOnce, String id, PlainLoop.Transform transform, Duration commitInterval)
            throws Exception {
        OutputCounter counter = new OutputCounter(bootstrap, out.name());
        CompletableFuture<OutputCounter.Observed> observed = CompletableFuture.supplyAsync(() -> counter.await(records, TIMEOUT));
        long cpu0 = ThreadCpu.currentThreadNanos();
        PlainLoop.run(bootstrap, topics.uploads().name(), out.name(), records, exactlyOnce, commitInterval, id, transform);
        double cpu = (ThreadCpu.currentThreadNanos() - cpu0) / 1000.0 / records;
        OutputCounter.Observed seen = observed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (transform != PlainLoop.Transform.COPY) {
            requireOneJobPerEvent("the loop doing the trigger's work", seen, records);
        }
        return new Measurement(seen.perSecond(), cpu, null, null);
    }

    private static Measurement measureStreamsCopy(String bootstrap, TriggerTopics topics, Topic<byte[], byte[]> out, int records,
                                                  String id, Duration commitInterval) throws Exception {
        OutputCounter counter = new OutputCounter(bootstrap, out.name());
        CompletableFuture<OutputCounter.Observed> observed = CompletableFuture.supplyAsync(() -> counter.await(records, TIMEOUT));
        try (StreamsPassThrough copy = new StreamsPassThrough(bootstrap, topics.uploads().name(), out.name(), id, commitInterval)) {
            double rate = observed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).perSecond();
            return new Measurement(rate, ThreadCpu.streamThreadsNanos(id) / 1000.0 / records, copy.timeSplit(), null);
        }
    }

    private static Measurement measureTrigger(String bootstrap, String registryUrl, TriggerTopics shared, Topic<byte[], byte[]> out,
                                         int records, int streamThreads, String id, Duration commitInterval) throws Exception {
        Topic<?, ?> jobs = shared.jobs();
        TriggerTopics topics = new TriggerTopics(shared.uploads(), shared.modelSettings(), shared.projectSettings(),
                new Topic<>(out.name(), String.class, io.radflow.schemas.avro.InferenceJob.class, jobs.partitions(), jobs.cleanup(),
                        jobs.retentionMs(), jobs.doc()), shared.deadLetters(), shared.index());
        Map<String, String> values = new HashMap<>();
        values.put("kafka.bootstrap.servers", bootstrap);
        values.put("schema.registry.url", registryUrl);
        values.put("metrics.port", "-1");
        values.put(TriggerConfig.APPLICATION_ID.name(), id);
        values.put(TriggerConfig.COMMIT_INTERVAL.name(), commitInterval.toMillis() + "ms");
        values.put(TriggerConfig.STREAM_THREADS.name(), Integer.toString(streamThreads));
        RadflowConfig config = RadflowConfig.load(TriggerConfig.DEFINITION, ConfigSource.of("benchmark", values));
        OutputCounter counter = new OutputCounter(bootstrap, topics.jobs().name());
        CompletableFuture<OutputCounter.Observed> observed = CompletableFuture.supplyAsync(() -> counter.await(records, TIMEOUT));
        try (AutorunTriggerService trigger = new AutorunTriggerService(config, topics)) {
            trigger.start();
            OutputCounter.Observed seen = observed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            requireOneJobPerEvent("the trigger", seen, records);
            double cpu = ThreadCpu.streamThreadsNanos(id) / 1000.0 / records;
            ThreadTimeSplit split = ThreadTimeSplit.of(trigger.streams().metrics());
            // Every job is visible, so the transactions that wrote the state for them have committed.
            return new Measurement(seen.perSecond(), cpu, split, ChangelogSize.of(bootstrap, id));
        }
    }

    /** Every upload is a distinct instance, so a contender that builds jobs must emit exactly one job, with its own id, per upload. */
    private static void requireOneJobPerEvent(String who, OutputCounter.Observed seen, int records) {
        if (seen.distinctKeys() != records || seen.records() != records) {
            throw new IllegalStateException(who + " emitted " + seen.records() + " jobs with " + seen.distinctKeys()
                    + " distinct ids for " + records + " distinct instances");
        }
    }

    private static void publishSettings(String bootstrap, TopicSerdes serdes, TriggerTopics topics, String projectId) throws Exception {
        Instant before = Instant.now().minusSeconds(60);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap), Serdes.String().serializer(),
                serdes.valueSerializer(topics.projectSettings()))) {
            producer.send(new ProducerRecord<>(topics.projectSettings().name(), projectId, ProjectSettings.newBuilder()
                    .setProjectId(projectId).setName("benchmark").setSiteId("bench").setCreatedAt(before).setUpdatedAt(before)
                    .build())).get();
        }
        ModelVersion version = ModelVersion.newBuilder().setVersion(MODEL_VERSION).setRuntime(RuntimeKind.ONNX).setScope(Scope.INSTANCE)
                .setBatching(Batching.newBuilder().setMaxBatchSize(1).setMaxQueueDelayMs(0).build()).setCreatedAt(before).build();
        ModelSettings model = ModelSettings.newBuilder().setModelId(MODEL_ID).setProjectId(projectId).setOwnerId("bench")
                .setName("bench-model").setLibrary(ModelLibrary.ONNX).setFileType(ModelFileType.ONNX).setAutoRun(true)
                .setVersions(List.of(version)).setCreatedAt(before).setUpdatedAt(before).build();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap), Serdes.String().serializer(),
                serdes.valueSerializer(topics.modelSettings()))) {
            producer.send(new ProducerRecord<>(topics.modelSettings().name(), model.getModelId(), model)).get();
        }
    }

    private static void produceUploads(String bootstrap, TopicSerdes serdes, TriggerTopics topics, String projectId, Options options) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        var serializer = serdes.valueSerializer(topics.uploads());
        Instant now = Instant.now();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < options.records(); i++) {
                String study = "1.2.826.0.1.3680043.7." + (i / options.instancesPerStudy());
                String series = study + ".1";
                String sop = series + "." + (i % options.instancesPerStudy() + 1);
                DatasetUploadEvent event = DatasetUploadEvent.newBuilder().setEventId("bench-" + i).setProjectId(projectId)
                        .setDatasetId("bench-dataset").setStudyInstanceUid(study).setSource("benchmark").setPublishedAt(now)
                        .setPayload(DataUploaded.newBuilder().setSeriesInstanceUid(series).setSopInstanceUid(sop).setModality("CT")
                                .setSopClassUid(SopClasses.CT_IMAGE).setHasPixelData(true)
                                .setInstanceNumber(i % options.instancesPerStudy() + 1)
                                .setContent(ContentRef.newBuilder().setUri("file:///bench/" + sop + ".dcm").setSizeBytes(524_288).build())
                                .build())
                        .build();
                producer.send(new ProducerRecord<>(topics.uploads().name(), study.getBytes(StandardCharsets.UTF_8),
                        serializer.serialize(topics.uploads().name(), event)));
            }
            producer.flush();
        }
    }

    private static void deleteTopicsOf(Admin admin, String run) {
        try {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<String> ours = names.stream().filter(n -> n.contains(run)).toList();
            admin.deleteTopics(ours).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Leftover topics carry the run id in their names; say so rather than fail the measurement.
            log.warn("benchmark topics not deleted run={} error={}", run, Optional.ofNullable(e.getMessage()).orElse(e.toString()));
        }
    }
}
