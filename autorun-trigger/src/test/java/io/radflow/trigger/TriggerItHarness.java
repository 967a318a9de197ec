package io.radflow.trigger;

import io.radflow.common.config.RadflowConfig;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicProvisioner;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.testsupport.Events;
import io.radflow.testsupport.TestStack;
import io.radflow.testsupport.TopicReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What the trigger's integration tests share: the real broker and Apicurio registry of this JVM,
 * topics of their own (catalog layout, a per-run suffix), the project and its models on the
 * settings topics, and producers and read_committed readers for the trigger's topics.
 */
final class TriggerItHarness implements AutoCloseable {

    final TestStack stack = TestStack.get();
    final String run = UUID.randomUUID().toString().substring(0, 8);
    final TriggerTopics topics = TriggerTopics.withSuffix(run);
    final String projectId = "project-" + run;
    final HttpSchemaRegistryClient registry;
    final TopicSerdes serdes;

    TriggerItHarness() {
        registry = new HttpSchemaRegistryClient(SchemaRegistrySettings.of(URI.create(stack.schemaRegistryUrl())));
        serdes = new TopicSerdes(registry, true);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            TopicProvisioner.ensure(admin, topics.all(), (short) 1);
        }
    }

    /** The trigger's configuration against the shared stack: own application id and state directory. */
    RadflowConfig config(Path stateDir, Map<String, String> extra) {
        return stack.config(TriggerConfig.DEFINITION, configValues(stateDir, extra));
    }

    /** The same configuration as key=value pairs, connection included (for a trigger in another JVM). */
    Map<String, String> configValues(Path stateDir, Map<String, String> extra) {
        return configValues(stack, "it-trigger-" + run, stateDir, extra);
    }

    /** A trigger's configuration against {@code stack}, for tests that bring their own topics. */
    static Map<String, String> configValues(TestStack stack, String applicationId, Path stateDir, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>();
        values.put("kafka.bootstrap.servers", stack.bootstrapServers());
        values.put("schema.registry.url", stack.schemaRegistryUrl());
        values.put(TriggerConfig.APPLICATION_ID.name(), applicationId);
        values.put(TriggerConfig.STATE_DIR.name(), stateDir.toString());
        values.put("metrics.port", "-1");
        values.putAll(extra);
        return values;
    }

    /** The project and its models, acknowledged by the broker before this returns. */
    void publishSettings(List<ModelSettings> models) throws ExecutionException, InterruptedException {
        Instant created = Instant.now().minusSeconds(3600);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", stack.bootstrapServers(), "acks", "all"),
                Serdes.String().serializer(), serdes.valueSerializer(topics.projectSettings()))) {
            producer.send(new ProducerRecord<>(topics.projectSettings().name(), projectId, Events.project(projectId, created))).get();
        }
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", stack.bootstrapServers(), "acks", "all"),
                Serdes.String().serializer(), serdes.valueSerializer(topics.modelSettings()))) {
            for (ModelSettings m : models) {
                producer.send(new ProducerRecord<>(topics.modelSettings().name(), m.getModelId(), m)).get();
            }
        }
    }

    /** Raw producer for dataset-uploads, so tests can also send bytes that are not an upload event. */
    KafkaProducer<byte[], byte[]> uploadProducer(String transactionalId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        if (transactionalId != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId + "-" + run);
        }
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        if (transactionalId != null) {
            producer.initTransactions();
        }
        return producer;
    }

    ProducerRecord<byte[], byte[]> record(DatasetUploadEvent event) {
        return new ProducerRecord<>(topics.uploads().name(), event.getStudyInstanceUid().getBytes(StandardCharsets.UTF_8),
                serdes.valueSerializer(topics.uploads()).serialize(topics.uploads().name(), event));
    }

    TopicReader<String, InferenceJob> jobsReader() {
        return new TopicReader<>(stack.bootstrapServers(), topics.jobs().name(), Serdes.String().deserializer(),
                serdes.valueDeserializer(topics.jobs()));
    }

    TopicReader<byte[], byte[]> deadLetterReader() {
        return new TopicReader<>(stack.bootstrapServers(), topics.deadLetters().name(), Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    @Override
    public void close() {
        registry.close();
    }
}
