package io.radflow.trigger.bench;

import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * and the catalog's topic layout, measured in the same run. Each run uses topics of its own and
 * deletes them afterwards.
 */
public final class TriggerBenchmark {

    private static final Logger log = LoggerFactory.getLogger(TriggerBenchmark.class);
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);
    static final Duration TIMEOUT = Duration.ofMinutes(10);

    private TriggerBenchmark() {
    }

    /** @param instancesPerStudy uploads are keyed by study; this spreads them over the partitions */
    public record Options(int records, int instancesPerStudy) {
        public Options {
            if (records < 1000) {
                throw new IllegalArgumentException("records must be at least 1000, was " + records);
            }
            if (instancesPerStudy < 1) {
                throw new IllegalArgumentException("instancesPerStudy must be positive");
            }
        }
    }

    /** One measured figure. */
    public record Figure(String name, double perSecond) {
    }

    /** @param streamsCopy diagnostic: Kafka Streams copying the records unchanged, the framework's share of the cost */
    public record Result(int records, int partitions, Figure exactlyOnceLoop, Figure atLeastOnceLoop, Figure streamsCopy,
                         Figure trigger) {

        public double ratioToExactlyOnceLoop() {
            return trigger.perSecond() / exactlyOnceLoop.perSecond();
        }

        public double ratioToAtLeastOnceLoop() {
            return trigger.perSecond() / atLeastOnceLoop.perSecond();
        }

        public List<String> report() {
            List<String> lines = new ArrayList<>();
            lines.add(String.format("%,d upload events, INSTANCE scope (one auto-run model: one job per event), %d partitions in and out,"
                    + " commit every %d ms", records, partitions, COMMIT_INTERVAL.toMillis()));
            for (Figure f : List.of(exactlyOnceLoop, atLeastOnceLoop, streamsCopy, trigger)) {
                lines.add(String.format("  %-58s %,10.0f events/s", f.name(), f.perSecond()));
            }
            lines.add(String.format("  ratio trigger / plain exactly-once loop:   %.2f (target >= 0.70)", ratioToExactlyOnceLoop()));
            lines.add(String.format("  ratio trigger / plain at-least-once loop:  %.2f", ratioToAtLeastOnceLoop()));
            return lines;
        }
    }

    public static Result run(String bootstrapServers, String schemaRegistryUrl, Options options, Consumer<String> progress)
            throws Exception {
        String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        TriggerTopics topics = TriggerTopics.withSuffix(run);
        Topic<byte[], byte[]> eosOut = loopOutput(topics, "loop-eos");
        Topic<byte[], byte[]> aloOut = loopOutput(topics, "loop-alo");
        Topic<byte[], byte[]> streamsOut = loopOutput(topics, "streams-copy");
        List<Topic<?, ?>> all = new ArrayList<>(topics.all());
        all.add(eosOut);
        all.add(aloOut);
        all.add(streamsOut);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers));
             HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(SchemaRegistrySettings.of(URI.create(schemaRegistryUrl)))) {
            TopicProvisioner.ensure(admin, all, (short) -1);
            try {
                TopicSerdes serdes = new TopicSerdes(registry, true);
                String projectId = "bench-project-" + run;
                publishSettings(bootstrapServers, serdes, topics, projectId);
                progress.accept(String.format("producing %,d upload events...", options.records()));
                produceUploads(bootstrapServers, serdes, topics, projectId, options);

                progress.accept("plain loop, exactly-once...");
                Figure eos = measureLoop(bootstrapServers, topics, eosOut, options.records(), true, run,
                        "plain loop, exactly-once (transactions, offsets in them)");
                progress.accept("Kafka Streams copy, exactly_once_v2...");
                Figure copy = measureStreamsCopy(bootstrapServers, topics, streamsOut, options.records(), run);
                progress.accept("auto-run trigger...");
                Figure trigger = measureTrigger(bootstrapServers, schemaRegistryUrl, topics, options.records(), run);
                progress.accept("plain loop, at-least-once...");
                Figure alo = measureLoop(bootstrapServers, topics, aloOut, options.records(), false, run,
                        "plain loop, at-least-once (acks=all, offset commits)");
                return new Result(options.records(), topics.uploads().partitions(), eos, alo, copy, trigger);
            } finally {
                deleteTopicsOf(admin, run);
            }
        }
    }

    private static Topic<byte[], byte[]> loopOutput(TriggerTopics topics, String name) {
        Topic<?, ?> jobs = topics.jobs();
        return new Topic<>(jobs.name() + "-" + name, byte[].class, byte[].class, jobs.partitions(), jobs.cleanup(),
                jobs.retentionMs(), "benchmark baseline output");
    }

    private static Figure measureLoop(String bootstrap, TriggerTopics topics, Topic<byte[], byte[]> out, int records,
                                      boolean exactlyOnce, String run, String name) throws Exception {
        OutputCounter counter = new OutputCounter(bootstrap, out.name());
        CompletableFuture<OutputCounter.Observed> observed = CompletableFuture.supplyAsync(() -> counter.await(records, TIMEOUT));
        PlainLoop.run(bootstrap, topics.uploads().name(), out.name(), records, exactlyOnce, COMMIT_INTERVAL,
                run + (exactlyOnce ? "-loop-eos" : "-loop-alo"));
        return new Figure(name, observed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).perSecond());
    }

    private static Figure measureStreamsCopy(String bootstrap, TriggerTopics topics, Topic<byte[], byte[]> out, int records,
                                             String run) throws Exception {
        OutputCounter counter = new OutputCounter(bootstrap, out.name());
        CompletableFuture<OutputCounter.Observed> observed = CompletableFuture.supplyAsync(() -> counter.await(records, TIMEOUT));
        try (StreamsPassThrough copy = new StreamsPassThrough(bootstrap, topics.uploads().name(), out.name(), run + "-copy",
                COMMIT_INTERVAL)) {
            return new Figure("Kafka Streams copy, exactly_once_v2 (diagnostic)", observed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).perSecond());
        }
    }

    private static Figure measureTrigger(String bootstrap, String registryUrl, TriggerTopics topics, int records, String run)
            throws Exception {
        Map<String, String> values = new HashMap<>();
        values.put("kafka.bootstrap.servers", bootstrap);
        values.put("schema.registry.url", registryUrl);
        values.put("metrics.port", "-1");
        values.put(TriggerConfig.APPLICATION_ID.name(), run + "-trigger");
        values.put(TriggerConfig.COMMIT_INTERVAL.name(), COMMIT_INTERVAL.toMillis() + "ms");
        RadflowConfig config = RadflowConfig.load(TriggerConfig.DEFINITION, ConfigSource.of("benchmark", values));
        OutputCounter counter = new OutputCounter(bootstrap, topics.jobs().name());
        CompletableFuture<OutputCounter.Observed> observed = CompletableFuture.supplyAsync(() -> counter.await(records, TIMEOUT));
        try (AutorunTriggerService trigger = new AutorunTriggerService(config, topics)) {
            trigger.start();
            OutputCounter.Observed seen = observed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (seen.distinctKeys() != records || seen.records() != records) {
                throw new IllegalStateException("the trigger emitted " + seen.records() + " jobs with " + seen.distinctKeys()
                        + " distinct ids for " + records + " distinct instances");
            }
            return new Figure("auto-run trigger (Kafka Streams, exactly_once_v2)", seen.perSecond());
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
        ModelVersion version = ModelVersion.newBuilder().setVersion(1).setRuntime(RuntimeKind.ONNX).setScope(Scope.INSTANCE)
                .setBatching(Batching.newBuilder().setMaxBatchSize(1).setMaxQueueDelayMs(0).build()).setCreatedAt(before).build();
        ModelSettings model = ModelSettings.newBuilder().setModelId("bench-model").setProjectId(projectId).setOwnerId("bench")
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
