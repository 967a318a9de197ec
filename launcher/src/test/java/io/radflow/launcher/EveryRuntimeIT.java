package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.radflow.demo.RegistryApi;
import io.radflow.ingestion.IngestionKafka;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.JobFailure;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.Prediction;
import io.radflow.testsupport.TopicReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mixed study of {@link MixedStudyIT} under every runtime at every scope, through
 * {@code ./radflow dev} and {@code ./radflow upload} as separate processes: an ONNX classifier
 * (pixels decoded in Java and by GDCM codec processes), an MD.ai-style Python package (pixels
 * decoded by pydicom with GDCM) and an external V7-style HTTP model (frames sent as PNGs rendered
 * from the same decoded frames; a small brightness classifier served by this test), each as an
 * INSTANCE, a SERIES and a STUDY auto-run version. Every job of every model succeeds, every image
 * reaches every model, and nothing is dead-lettered.
 */
class EveryRuntimeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SCOPES = List.of("instance", "series", "study");

    @TempDir
    Path work;

    private final AtomicInteger colourImages = new AtomicInteger();
    private final AtomicInteger greyImages = new AtomicInteger();

    @Test
    void shouldRunEveryRuntimeAtEveryScopeOnEveryImageOfTheMixedStudy() throws Exception {
        MixedStudy study = MixedStudy.generate(work.resolve("study"));
        Set<String> images = study.images();
        Set<String> imageSeries = study.imageSeries();

        HttpServer model = brightnessModelServer();
        try (LauncherProcess dev = LauncherProcess.start(work, "dev")) {
            DevSession session = DevSession.await(dev);
            String bootstrap = session.bootstrap();

            String project = "every-runtime-" + UUID.randomUUID().toString().substring(0, 8);
            RegistryApi registry = new RegistryApi(URI.create(session.rest()), session.adminKey());
            registry.createProject(project, "every runtime at every scope");
            Map<String, String> modelScope = new HashMap<>();
            Map<String, String> modelRuntime = new HashMap<>();
            for (String scope : SCOPES) {
                String onnx = registry.createModel(project, "onnx-" + scope, "onnx", "onnx", DevSession.autoRun());
                registry.addVersion(project, "onnx-" + scope, DevSession.version(scope, DevSession.brightnessLabels(),
                        Map.of("output.activation", "softmax")), "brightness.onnx", DevSession.resource(DevSession.BRIGHTNESS_ONNX));
                String mdai = registry.createModel(project, "mdai-" + scope, "mdai", "zip", DevSession.autoRun());
                registry.addVersion(project, "mdai-" + scope, DevSession.version(scope, seriesContrastLabels(), Map.of()),
                        "series-contrast.zip", seriesContrastPackage());
                String http = registry.createModel(project, "http-" + scope, "http", null, DevSession.autoRun());
                ObjectNode httpVersion = DevSession.version(scope, DevSession.brightnessLabels(), Map.of());
                httpVersion.putObject("httpEndpoint").put("url", "http://127.0.0.1:" + model.getAddress().getPort());
                registry.addVersion(project, "http-" + scope, httpVersion);
                for (String[] m : new String[][] {{onnx, "onnx"}, {mdai, "mdai"}, {http, "http"}}) {
                    modelScope.put(m[0], scope);
                    modelRuntime.put(m[0], m[1]);
                }
            }
            // Auto-run settings reach the trigger asynchronously: the demo waits on the trigger itself;
            // from outside, a short pause is what a user would do before uploading.
            Thread.sleep(5_000);

            try (LauncherProcess upload = LauncherProcess.start(work, "upload", "--project", project, "--dataset", "mixed",
                    "--no-progress", study.dir().toString())) {
                assertThat(upload.waitFor(Duration.ofMinutes(3))).as(String.join("\n", upload.stderr())).isZero();
            }

            TopicSerdes serdes = IngestionKafka.serdes(session.config());
            int expectedJobs = 3 * (images.size() + imageSeries.size() + 1);
            Map<String, JobStatus> finalStates = new HashMap<>();
            try (TopicReader<String, JobStatus> statuses = new TopicReader<>(bootstrap, TopicCatalog.JOB_STATUS.name(),
                    new StringDeserializer(), serdes.valueDeserializer(TopicCatalog.JOB_STATUS))) {
                statuses.readUntil(records -> {
                    for (ConsumerRecord<String, JobStatus> r : records) {
                        JobStatus s = r.value();
                        if (modelScope.containsKey(s.getModelId())
                                && (s.getState() == JobState.SUCCEEDED || s.getState() == JobState.FAILED)) {
                            finalStates.put(s.getJobId(), s);
                        }
                    }
                    return finalStates.size() >= expectedJobs;
                }, Duration.ofMinutes(8));
            }
            assertThat(finalStates.values()).as("every job of the nine models finished")
                    .hasSize(expectedJobs)
                    .allSatisfy(s -> assertThat(s.getState()).as("%s %s: %s %s", s.getModelId(), s.getScope(), s.getReason(),
                            s.getMessage()).isEqualTo(JobState.SUCCEEDED));
            Map<String, Integer> jobsPerModel = new HashMap<>();
            finalStates.values().forEach(s -> jobsPerModel.merge(s.getModelId(), 1, Integer::sum));
            modelScope.forEach((id, scope) -> assertThat(jobsPerModel.get(id)).as(modelRuntime.get(id) + " at " + scope)
                    .isEqualTo(switch (scope) {
                        case "instance" -> images.size();
                        case "series" -> imageSeries.size();
                        default -> 1;
                    }));

            Map<String, Set<String>> instancesPerModel = new HashMap<>();
            try (TopicReader<String, Prediction> predictions = new TopicReader<>(bootstrap, TopicCatalog.PREDICTIONS.name(),
                    new StringDeserializer(), serdes.valueDeserializer(TopicCatalog.PREDICTIONS))) {
                for (ConsumerRecord<String, Prediction> r : predictions.readUntil(rs -> false, Duration.ofSeconds(10))) {
                    Prediction p = r.value();
                    if (project.equals(p.getProjectId()) && p.getSopInstanceUid() != null) {
                        instancesPerModel.computeIfAbsent(p.getModelId(), k -> new HashSet<>()).add(p.getSopInstanceUid());
                    }
                }
            }
            modelScope.forEach((id, scope) -> {
                if (!modelRuntime.get(id).equals("mdai")) {
                    // ONNX and HTTP classify every image of every job, whatever the job's scope.
                    assertThat(instancesPerModel.get(id)).as(modelRuntime.get(id) + " at " + scope)
                            .containsExactlyInAnyOrderElementsOf(images);
                } else if (scope.equals("instance")) {
                    assertThat(instancesPerModel.get(id)).as("mdai at instance scope: the brightest point of each image")
                            .containsExactlyInAnyOrderElementsOf(images);
                }
            });
            try (TopicReader<String, JobFailure> dlq = new TopicReader<>(bootstrap, TopicCatalog.INFERENCE_JOBS_DLQ.name(),
                    new StringDeserializer(), serdes.valueDeserializer(TopicCatalog.INFERENCE_JOBS_DLQ))) {
                assertThat(dlq.readUntil(rs -> false, Duration.ofSeconds(5)))
                        .noneMatch(r -> modelScope.containsKey(r.value().getModelId()));
            }
            assertThat(colourImages.get()).as("colour images reach the HTTP model as colour PNGs").isPositive();
            assertThat(greyImages.get()).isPositive();
            assertThat(dev.terminate(Duration.ofSeconds(60))).isEqualTo(143);
        } finally {
            model.stop(0);
        }
    }

    /** A V7-style external model: bright or dark by the mean of the PNG it is sent. */
    private HttpServer brightnessModelServer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/classes", exchange -> reply(exchange,
                "[{\"name\": \"Dark\", \"type\": \"tag\"}, {\"name\": \"Bright\", \"type\": \"tag\"}]"));
        server.createContext("/api/infer", exchange -> {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(request.get("image").get("base64").asText())));
            boolean colour = image.getColorModel().getNumColorComponents() == 3;
            (colour ? colourImages : greyImages).incrementAndGet();
            double sum = 0;
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    int rgb = image.getRGB(x, y);
                    sum += (((rgb >> 16) & 0xFF) + ((rgb >> 8) & 0xFF) + (rgb & 0xFF)) / 3.0;
                }
            }
            double mean = sum / (image.getWidth() * (double) image.getHeight()) / 255;
            String label = mean > 0.5 ? "Bright" : "Dark";
            reply(exchange, "{\"status\": \"succeeded\", \"results\": [{\"name\": \"" + label + "\", \"label\": \"" + label
                    + "\", \"confidence\": " + String.format(Locale.ROOT, "%.4f", Math.abs(mean - 0.5) * 2) + ", \"tag\": {}}]}");
        });
        server.start();
        return server;
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static ArrayNode seriesContrastLabels() {
        ArrayNode labels = JSON.createArrayNode();
        labels.addObject().put("classIndex", 0).put("labelId", "L_high_contrast").put("name", "High contrast").put("type", "global")
                .put("scope", "series");
        labels.addObject().put("classIndex", 1).put("labelId", "L_brightest").put("name", "Brightest point").put("type", "local")
                .put("scope", "instance").put("annotationMode", "location");
        return labels;
    }

    /** The demo's series-contrast package (bundled in the demo module) as the zip a user uploads. */
    private static byte[] seriesContrastPackage() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String file : List.of(".mdai/config.yaml", ".mdai/mdai_deploy.py", ".mdai/requirements.txt")) {
                zip.putNextEntry(new ZipEntry(file));
                zip.write(DevSession.resource("/io/radflow/demo/models/series-contrast/" + file));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
