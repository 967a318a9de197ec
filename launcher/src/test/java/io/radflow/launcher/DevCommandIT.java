package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./radflow dev} as a user runs it: a separate process, ordinary clients, SIGTERM to stop. */
class DevCommandIT {

    @TempDir
    Path home;

    @Test
    void shouldServeAnOrdinaryKafkaClientAndTheRegistryThenStopCleanly() throws Exception {
        try (LauncherProcess dev = LauncherProcess.start(home, "dev")) {
            String bootstrap = value(dev.awaitStdout(l -> l.contains("Kafka bootstrap servers:"), Duration.ofSeconds(120)));
            String registry = value(dev.awaitStdout(l -> l.contains("Schema registry URL:"), Duration.ofSeconds(10)));
            dev.awaitStdout(l -> l.contains("Press Ctrl-C"), Duration.ofSeconds(30));

            // Plain Kafka clients with String serdes, nothing from Radflow.
            String payload = "hello-" + UUID.randomUUID();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", bootstrap, "acks", "all"), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("dataset-uploads", "study-1", payload)).get();
            }
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                    "group.id", "dev-it", "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("dataset-uploads"));
                List<String> seen = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!seen.contains(payload) && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        seen.add(r.value());
                    }
                }
                assertThat(seen).contains(payload);
            }

            HttpResponse<String> subjects = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(registry + "/subjects")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(subjects.statusCode()).isEqualTo(200);
            assertThat(subjects.body().trim()).startsWith("[");

            Path state = home.resolve(".radflow/dev-stack.properties");
            assertThat(Files.readString(state)).contains("kafka.bootstrap.servers=" + bootstrap.replace(":", "\\:"));
            // The viewer: its URL printed and in the state file, its page served.
            String viewer = Files.readAllLines(state).stream().filter(l -> l.startsWith("viewer.url="))
                    .map(l -> l.substring("viewer.url=".length()).replace("\\:", ":")).findFirst().orElseThrow();
            assertThat(dev.stdout()).anyMatch(l -> l.contains("viewer url:") && l.contains(viewer));
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(viewer + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<title>Radflow viewer</title>");

            String kafkaDir = dev.stderr().stream().map(DevCommandIT::logDir).filter(java.util.Objects::nonNull)
                    .findFirst().orElseThrow();
            List<ProcessHandle> children = dev.process().toHandle().descendants().toList();
            assertThat(children).as("the registry runs as a child process").isNotEmpty();

            assertThat(dev.terminate(Duration.ofSeconds(60))).as("128 + SIGTERM, after a clean shutdown").isEqualTo(143);
            assertThat(children).noneMatch(ProcessHandle::isAlive);
            assertThat(Path.of(kafkaDir)).doesNotExist();
            assertThat(state).doesNotExist();
        }
    }

    @Test
    void shouldConnectOtherCommandsToTheRunningDevStack() throws Exception {
        try (LauncherProcess dev = LauncherProcess.start(home, "dev")) {
            dev.awaitStdout(l -> l.contains("Press Ctrl-C"), Duration.ofSeconds(120));
            try (LauncherProcess schemas = LauncherProcess.start(home, "schemas", "register")) {
                assertThat(schemas.waitFor(Duration.ofSeconds(60))).isZero();
                assertThat(schemas.stdout()).anyMatch(l -> l.startsWith("predictions-value") && l.contains("Prediction"));
            }
            assertThat(dev.terminate(Duration.ofSeconds(60))).as("128 + SIGTERM, after a clean shutdown").isEqualTo(143);
        }
    }

    @Test
    void shouldExplainMissingConnectionSettingsWithExitCode2() throws Exception {
        try (LauncherProcess schemas = LauncherProcess.start(home, "schemas", "register")) {
            assertThat(schemas.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(String.join("\n", schemas.stderr())).contains("schema.registry.url").contains("RADFLOW_SCHEMA_REGISTRY_URL");
        }
    }

    private static String value(String line) {
        return line.substring(line.indexOf(':') + 1).trim();
    }

    private static final Pattern LOG_DIR = Pattern.compile("logDir=(\\S+)");

    private static String logDir(String line) {
        Matcher m = LOG_DIR.matcher(line);
        return m.find() ? m.group(1) : null;
    }
}
