package io.radflow.schemaregistry.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.common.error.Reason;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.Prediction;
import io.radflow.testsupport.SampleEvents;
import io.radflow.testsupport.TestStack;
import io.radflow.testsupport.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every event type through a real broker and a real registry, and the errors a consumer can meet. */
class AvroRoundTripIT {

    private static TestStack stack;
    private static HttpSchemaRegistryClient client;
    private static TopicSerdes serdes;

    @BeforeAll
    static void setUp() {
        stack = TestStack.get();
        client = new HttpSchemaRegistryClient(SchemaRegistrySettings.of(URI.create(stack.schemaRegistryUrl())));
        serdes = new TopicSerdes(client, true);
    }

    @AfterAll
    static void tearDown() {
        client.close();
    }

    @Test
    void shouldRoundTripModelSettingsAndTombstones() {
        var settings = SampleEvents.modelSettings();
        List<ConsumerRecord<String, io.radflow.schemas.avro.ModelSettings>> read = roundTrip(TopicCatalog.MODEL_SETTINGS,
                "rt-" + UUID.randomUUID(), List.of(settings));
        assertThat(read).extracting(ConsumerRecord::value).containsExactly(settings);

        String key = "purged-" + UUID.randomUUID();
        var withTombstone = roundTrip(TopicCatalog.MODEL_SETTINGS, key, java.util.Arrays.asList(settings, null));
        assertThat(withTombstone).extracting(ConsumerRecord::value).containsExactly(settings, null);
    }

    @Test
    void shouldKeepEachRecordsBytesApartWhenTheSerializerReusesItsBuffers() throws Exception {
        var serializer = serdes.valueSerializer(TopicCatalog.INFERENCE_JOBS);
        var deserializer = serdes.valueDeserializer(TopicCatalog.INFERENCE_JOBS);
        String topic = TopicCatalog.INFERENCE_JOBS.name();
        var large = SampleEvents.inferenceJob();
        var small = io.radflow.schemas.avro.InferenceJob.newBuilder(large).setInstances(List.of(large.getInstances().get(0)))
                .setArgs(Map.of()).setJobId("small").build();

        byte[] largeBytes = serializer.serialize(topic, large);
        // A record Avro cannot write (a required field is null) fails half-way through...
        var broken = io.radflow.schemas.avro.InferenceJob.newBuilder(large).build();
        broken.setModelId(null);
        assertThatThrownBy(() -> serializer.serialize(topic, broken)).isInstanceOf(AvroSerdeException.class)
                .hasMessageContaining("cannot serialize");
        // ...and leaves nothing behind for the next one.
        assertThat(deserializer.deserialize(topic, serializer.serialize(topic, small))).isEqualTo(small);
        assertThat(deserializer.deserialize(topic, largeBytes)).isEqualTo(large);

        // Threads serializing at once each get their own buffers.
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                var job = io.radflow.schemas.avro.InferenceJob.newBuilder(t % 2 == 0 ? large : small).setJobId("job-" + t).build();
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        if (!deserializer.deserialize(topic, serializer.serialize(topic, job)).equals(job)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (var r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRoundTripProjectSettings() {
        var v = SampleEvents.projectSettings();
        assertThat(roundTrip(TopicCatalog.PROJECT_SETTINGS, "rt-" + UUID.randomUUID(), List.of(v)))
                .extracting(ConsumerRecord::value).containsExactly(v);
    }

    @Test
    void shouldRoundTripBothKindsOfUploadEvent() {
        var uploaded = SampleEvents.instanceUploaded();
        var completed = SampleEvents.seriesCompleted();
        assertThat(roundTrip(TopicCatalog.DATASET_UPLOADS, "rt-" + UUID.randomUUID(), List.of(uploaded, completed)))
                .extracting(ConsumerRecord::value).containsExactly(uploaded, completed);
    }

    @Test
    void shouldRoundTripInferenceJobs() {
        var v = SampleEvents.inferenceJob();
        assertThat(roundTrip(TopicCatalog.INFERENCE_JOBS, "rt-" + UUID.randomUUID(), List.of(v)))
                .extracting(ConsumerRecord::value).containsExactly(v);
    }

    @Test
    void shouldRoundTripPredictionsWithEveryDataShape() {
        List<Prediction> v = SampleEvents.predictions();
        assertThat(roundTrip(TopicCatalog.PREDICTIONS, "rt-" + UUID.randomUUID(), v))
                .extracting(ConsumerRecord::value).containsExactlyElementsOf(v);
    }

    @Test
    void shouldRoundTripJobFailuresAndStatuses() {
        var failure = SampleEvents.jobFailure();
        var status = SampleEvents.jobStatus();
        assertThat(roundTrip(TopicCatalog.INFERENCE_JOBS_DLQ, "rt-" + UUID.randomUUID(), List.of(failure)))
                .extracting(ConsumerRecord::value).containsExactly(failure);
        assertThat(roundTrip(TopicCatalog.JOB_STATUS, "rt-" + UUID.randomUUID(), List.of(status)))
                .extracting(ConsumerRecord::value).containsExactly(status);
    }

    /**
     * A consumer that knows nothing of Radflow's classes: it reads the schema id from the frame,
     * fetches the schema by id over plain HTTP, and decodes with Avro's generic reader.
     */
    @Test
    void shouldBeReadableByAnyConfluentCompatibleConsumer() throws Exception {
        String topic = freshTopic();
        Prediction p = SampleEvents.predictions().get(1);
        try (KafkaProducer<String, Prediction> producer = new KafkaProducer<>(producerProps(),
                new StringSerializer(), new AvroSerializer<>(client, true, false))) {
            producer.send(new ProducerRecord<>(topic, "1.2.3", p)).get();
        }
        byte[] raw = readRaw(topic, 1).get(0).value();

        ByteBuffer buf = ByteBuffer.wrap(raw);
        assertThat(buf.get()).isEqualTo((byte) 0);
        int id = buf.getInt();
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(stack.schemaRegistryUrl() + "/schemas/ids/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        Schema writer = new Schema.Parser().parse(new ObjectMapper().readTree(response.body()).get("schema").asText());
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(writer)
                .read(null, DecoderFactory.get().binaryDecoder(raw, 5, raw.length - 5, null));

        assertThat(decoded.get("predictionId").toString()).isEqualTo(p.getPredictionId());
        assertThat(((GenericRecord) decoded.get("data")).getSchema().getName()).isEqualTo("BoundingBox");
        assertThat(((GenericRecord) decoded.get("data")).get("height")).isEqualTo(40.25);
        assertThat(client.subjects()).contains(topic + "-value");
    }

    @Test
    void shouldSurfaceBytesThatAreNotConfluentFramedAsAClearDeserializationError() throws Exception {
        String topic = freshTopic();
        produceRaw(topic, "{\"not\":\"avro\"}".getBytes());
        assertThatThrownBy(() -> pollOnce(topic))
                .isInstanceOf(RecordDeserializationException.class)
                .rootCause().isInstanceOf(AvroSerdeException.class)
                .hasMessageContaining("not Confluent-framed").hasMessageContaining(topic);
    }

    @Test
    void shouldSurfaceAnUnknownSchemaIdNamingTheId() throws Exception {
        String topic = freshTopic();
        ByteBuffer framed = ByteBuffer.allocate(9);
        ConfluentWireFormat.writeHeader(framed, 876_543_210);
        framed.putInt(42);
        produceRaw(topic, framed.array());
        assertThatThrownBy(() -> pollOnce(topic))
                .isInstanceOf(RecordDeserializationException.class)
                .satisfies(e -> {
                    Throwable cause = e.getCause();
                    assertThat(cause).isInstanceOf(AvroSerdeException.class).hasMessageContaining("876543210")
                            .hasMessageContaining(topic);
                    assertThat(((AvroSerdeException) cause).reason()).isEqualTo(Reason.SCHEMA_NOT_FOUND);
                });
    }

    @Test
    void shouldSurfaceATruncatedAvroBodyAsUndecodable() throws Exception {
        String topic = freshTopic();
        byte[] good = new AvroSerializer<Prediction>(client, true, false).serialize(topic, SampleEvents.predictions().get(0));
        produceRaw(topic, java.util.Arrays.copyOf(good, good.length / 2));
        assertThatThrownBy(() -> pollOnce(topic))
                .isInstanceOf(RecordDeserializationException.class)
                .satisfies(e -> assertThat(((AvroSerdeException) e.getCause()).reason()).isEqualTo(Reason.UNDECODABLE_RECORD));
    }

    // ---- helpers

    private static <V extends SpecificRecord> List<ConsumerRecord<String, V>> roundTrip(Topic<String, V> topic, String key, List<V> values) {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(producerProps(), serdes.keySerializer(topic),
                serdes.valueSerializer(topic))) {
            for (V v : values) {
                producer.send(new ProducerRecord<>(topic.name(), key, v)).get();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        try (TopicReader<String, V> reader = new TopicReader<>(stack.bootstrapServers(), topic.name(),
                serdes.keyDeserializer(topic), serdes.valueDeserializer(topic))) {
            List<ConsumerRecord<String, V>> all = reader.readUntil(
                    r -> r.stream().filter(x -> key.equals(x.key())).count() >= values.size(), Duration.ofSeconds(30));
            return all.stream().filter(r -> key.equals(r.key())).toList();
        }
    }

    private static Map<String, Object> producerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    private static String freshTopic() throws Exception {
        String name = "serde-it-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        }
        return name;
    }

    private static void produceRaw(String topic, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get();
        }
    }

    private static List<ConsumerRecord<String, byte[]>> readRaw(String topic, int count) {
        try (TopicReader<String, byte[]> reader = new TopicReader<>(stack.bootstrapServers(), topic,
                new StringDeserializer(), new ByteArrayDeserializer())) {
            return reader.readUntil(r -> r.size() >= count, Duration.ofSeconds(30));
        }
    }

    private static void pollOnce(String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "serde-it-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, Prediction> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new AvroDeserializer<>(client, Prediction.class))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                if (!consumer.poll(Duration.ofMillis(200)).isEmpty()) {
                    return;
                }
            }
        }
        throw new AssertionError("nothing to poll on " + topic);
    }
}
