package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.schemaregistry.HttpSchemaRegistryClient;
import io.radflow.schemaregistry.SchemaRegistrySettings;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.Prediction;
import io.radflow.testsupport.SampleEvents;
import io.radflow.testsupport.TestStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./radflow predictions} against the real broker: committed predictions only, filters, --follow. */
class PredictionsCommandIT {

    private static TestStack stack;
    private static TopicSerdes serdes;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @BeforeAll
    static void setUp() {
        stack = TestStack.get();
        serdes = new TopicSerdes(new HttpSchemaRegistryClient(SchemaRegistrySettings.of(URI.create(stack.schemaRegistryUrl()))), true);
    }

    private static Prediction prediction(String project, String study, String model) {
        Prediction p = Prediction.newBuilder(SampleEvents.predictions().get(1)).build();
        p.setPredictionId(UUID.randomUUID() + ":0");
        p.setProjectId(project);
        p.setStudyInstanceUid(study);
        p.setModelId(model);
        return p;
    }

    /** Sends committed predictions, and one in a transaction that is aborted. */
    private static void produce(List<Prediction> committed, Prediction aborted) {
        Map<String, Object> props = Map.of("bootstrap.servers", stack.bootstrapServers(),
                "transactional.id", "predictions-it-" + UUID.randomUUID());
        try (KafkaProducer<String, Prediction> producer = new KafkaProducer<>(props,
                serdes.keySerializer(TopicCatalog.PREDICTIONS), serdes.valueSerializer(TopicCatalog.PREDICTIONS))) {
            producer.initTransactions();
            producer.beginTransaction();
            for (Prediction p : committed) {
                producer.send(new ProducerRecord<>(TopicCatalog.PREDICTIONS.name(), p.getStudyInstanceUid(), p));
            }
            producer.commitTransaction();
            if (aborted != null) {
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TopicCatalog.PREDICTIONS.name(), aborted.getStudyInstanceUid(), aborted));
                producer.flush();
                producer.abortTransaction();
            }
        }
    }

    private static String produceOne(String project) {
        Prediction p = prediction(project, "2.2", "m-new");
        produce(List.of(p), null);
        return p.getPredictionId();
    }

    private List<JsonNode> run(String... args) throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        List<String> all = new ArrayList<>(List.of("predictions", "--bootstrap-servers", stack.bootstrapServers(),
                "--schema-registry-url", stack.schemaRegistryUrl()));
        all.addAll(List.of(args));
        assertThat(cli.execute(all.toArray(String[]::new))).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    @Test
    void shouldPrintOnlyCommittedPredictionsAndApplyFilters() throws Exception {
        String project = "p-" + UUID.randomUUID();
        produce(List.of(prediction(project, "1.1", "m-a"), prediction(project, "1.2", "m-a"), prediction(project, "1.1", "m-b")),
                prediction(project, "1.1", "m-a"));

        assertThat(run("--project", project)).hasSize(3);
        assertThat(run("--project", project, "--study", "1.1")).hasSize(2)
                .allMatch(j -> j.get("studyInstanceUid").asText().equals("1.1"));
        assertThat(run("--project", project, "--model", "m-b")).hasSize(1)
                .allMatch(j -> j.get("modelId").asText().equals("m-b") && j.get("dataType").asText().equals("box"));
        assertThat(run("--project", "nobody-" + UUID.randomUUID())).isEmpty();
    }

    @Test
    void shouldFollowNewPredictionsUntilStopped() throws Exception {
        String project = "p-" + UUID.randomUUID();
        produce(List.of(prediction(project, "2.1", "m-old")), null);
        try (LauncherProcess follow = LauncherProcess.start(home, "predictions", "--follow", "--project", project,
                "--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url", stack.schemaRegistryUrl())) {
            // Started after the first prediction and without --from-beginning: only new ones. The
            // command seeks to the end when it first polls, so keep sending until one shows up.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String line = null;
            while (line == null && System.nanoTime() < deadline) {
                String id = produceOne(project);
                try {
                    line = follow.awaitStdout(l -> l.contains(id), Duration.ofSeconds(5));
                } catch (AssertionError notYet) {
                    // not printed yet: the command had not reached the end of the topic when it was sent
                }
            }
            assertThat(line).isNotNull();
            assertThat(follow.stdout()).noneMatch(l -> l.contains("m-old"));
            assertThat(follow.terminate(Duration.ofSeconds(30))).isEqualTo(143);
        }
    }

    @Test
    void shouldStopFollowingWhenTheReaderGoesAway() throws Exception {
        String project = "p-" + UUID.randomUUID();
        produce(List.of(prediction(project, "3.1", "m-a")), null);
        try (LauncherProcess follow = LauncherProcess.start(home, "predictions", "--follow", "--from-beginning", "--project",
                project, "--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url", stack.schemaRegistryUrl())) {
            follow.awaitStdout(l -> l.contains(project), Duration.ofSeconds(60));
            // As `./radflow predictions --follow | head -1` does once it has its line.
            follow.process().getInputStream().close();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (follow.process().isAlive() && System.nanoTime() < deadline) {
                produceOne(project);
                Thread.sleep(200);
            }
            assertThat(follow.process().isAlive()).as("still following with nobody reading").isFalse();
            assertThat(follow.process().exitValue()).isZero();
        }
    }
}
