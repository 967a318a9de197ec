package io.radflow.trigger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.schemaregistry.InMemorySchemaRegistryClient;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import io.radflow.testsupport.Events;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The trigger's real topology in a TopologyTestDriver, with the real Avro serdes over an in-memory
 * registry. Wall-clock time starts at {@link #START} and moves only when a test advances it.
 */
final class TriggerTestDriver implements AutoCloseable {

    static final Instant START = Instant.parse("2026-03-02T08:00:00Z");
    static final Duration QUIET = Duration.ofSeconds(60);
    static final Duration RETENTION = Duration.ofHours(1);

    final TopologyTestDriver driver;
    final TriggerTopics topics = TriggerTopics.catalog();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final TestInputTopic<String, DatasetUploadEvent> uploads;
    final TestInputTopic<byte[], byte[]> rawUploads;
    final TestInputTopic<String, ModelSettings> models;
    final TestInputTopic<String, ProjectSettings> projects;
    final TestOutputTopic<String, InferenceJob> jobs;
    final TestOutputTopic<byte[], byte[]> deadLetters;
    final TestOutputTopic<String, DatasetUploadEvent> index;
    final TopicSerdes serdes;

    TriggerTestDriver(Path stateDir) {
        this(stateDir, new TriggerSettings(QUIET, RETENTION, Duration.ofDays(14), Duration.ofSeconds(1)));
    }

    TriggerTestDriver(Path stateDir, TriggerSettings settings) {
        this(stateDir, settings, Map.of());
    }

    /** @param extraConfig more trigger configuration, e.g. {@code trigger.streams.*} settings */
    TriggerTestDriver(Path stateDir, TriggerSettings settings, Map<String, String> extraConfig) {
        serdes = new TopicSerdes(new InMemorySchemaRegistryClient(), true);
        // The trigger's own Streams properties; the driver never connects to these addresses.
        Map<String, String> values = new java.util.HashMap<>(extraConfig);
        values.put("kafka.bootstrap.servers", "unused:9092");
        values.put("schema.registry.url", "http://unused:8081");
        RadflowConfig config = RadflowConfig.load(TriggerConfig.DEFINITION, ConfigSource.of("test", values));
        Properties props = TriggerStreamsConfig.properties(config, stateDir);
        driver = new TopologyTestDriver(TriggerTopology.build(new StreamsBuilder(new TopologyConfig(new StreamsConfig(props))), topics, settings, serdes,
                new TriggerMetrics(meters)), props, START);
        uploads = driver.createInputTopic(topics.uploads().name(), Serdes.String().serializer(), serdes.valueSerializer(topics.uploads()));
        rawUploads = driver.createInputTopic(topics.uploads().name(), Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
        models = driver.createInputTopic(topics.modelSettings().name(), Serdes.String().serializer(),
                serdes.valueSerializer(topics.modelSettings()));
        projects = driver.createInputTopic(topics.projectSettings().name(), Serdes.String().serializer(),
                serdes.valueSerializer(topics.projectSettings()));
        jobs = driver.createOutputTopic(topics.jobs().name(), Serdes.String().deserializer(), serdes.valueDeserializer(topics.jobs()));
        deadLetters = driver.createOutputTopic(topics.deadLetters().name(), Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
        index = driver.createOutputTopic(topics.index().name(), Serdes.String().deserializer(), serdes.valueDeserializer(topics.index()));
    }

    void project(String projectId) {
        projects.pipeInput(projectId, Events.project(projectId, START.minus(Duration.ofDays(1))));
    }

    void model(ModelSettings settings) {
        models.pipeInput(settings.getModelId(), settings);
    }

    void purge(String modelId, Instant at) {
        models.pipeInput(new TestRecord<>(modelId, null, at));
    }

    void upload(DatasetUploadEvent event) {
        uploads.pipeInput(event.getStudyInstanceUid(), event);
    }

    void advance(Duration d) {
        driver.advanceWallClockTime(d);
    }

    Instant now(Duration offset) {
        return START.plus(offset);
    }

    List<InferenceJob> readJobs() {
        return jobs.readValuesToList();
    }

    <K, V> KeyValueStore<K, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    double counter(String name, String... tags) {
        var c = meters.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    double gauge(String name) {
        var g = meters.find(name).gauge();
        return g == null ? Double.NaN : g.value();
    }

    @Override
    public void close() {
        driver.close();
    }
}
