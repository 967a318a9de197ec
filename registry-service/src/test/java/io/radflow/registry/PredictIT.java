package io.radflow.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.content.StorageConfig;
import io.radflow.registry.ApiClient.Response;
import io.radflow.schemas.TopicCatalog;
import io.radflow.testsupport.TestStack;
import io.radflow.worker.InferenceWorker;
import io.radflow.worker.WorkerConfig;
import io.radflow.worker.consumer.GroupOffsets;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The synchronous predict endpoint end to end, on the real broker and schema registry: a registry
 * and a real {@link InferenceWorker} sharing the content and artifact stores, the committed ONNX
 * classifier (two GLOBAL instance classes) on pydicom's CT_small.dcm (expected outputs as in the
 * worker's tests), and one that fails at run time. One stack for every case; the time-limit case stops the worker, so it runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PredictIT {

    private static final Path CT_SMALL = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm");
    private static final Path MR_SMALL = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files/MR_small.dcm");
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @TempDir
    static Path dir;

    static RegistryService service;
    static InferenceWorker worker;
    static ApiClient admin;
    static ApiClient member;
    static ApiClient other;
    static String project;

    @BeforeAll
    static void start() throws Exception {
        Path artifacts = Files.createDirectories(dir.resolve("artifacts"));
        Path content = Files.createDirectories(dir.resolve("content"));
        service = RegistryFixture.start(RegistryFixture.newApplicationId("predict"), artifacts, Map.of(
                StorageConfig.CONTENT_STORE_DIR.name(), content.toString(),
                RegistryConfig.PREDICT_TIMEOUT.name(), TIMEOUT.toMillis() + "ms",
                RegistryConfig.PREDICT_MAX_FILES.name(), "3"));
        admin = RegistryFixture.admin(service);
        member = admin.as(key("pia"));
        other = admin.as(key("otto"));
        project = "predict-" + UUID.randomUUID().toString().substring(0, 8);
        created(admin.post("/projects", Map.of("id", project, "members", List.of(Map.of("userId", "pia", "role", "member")))));
        model("private-cls", "private", "classifier.onnx");
        model("public-cls", "public", "classifier.onnx");
        model("failing-cls", "private", "failing.onnx");

        // A worker of its own group, from the current end of the job topics (other classes share them).
        String group = "predict-it-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin kafka = Admin.create(Map.of("bootstrap.servers", TestStack.get().bootstrapServers()))) {
            GroupOffsets.startAtEnd(kafka, group, TopicCatalog.INFERENCE_JOBS.name());
            GroupOffsets.startAtEnd(kafka, group, TopicCatalog.RUN_JOBS.name());
        }
        Map<String, String> w = new HashMap<>();
        w.put(WorkerConfig.GROUP_ID.name(), group);
        w.put(WorkerConfig.WORKER_ID.name(), group);
        w.put(StorageConfig.CONTENT_STORE_DIR.name(), content.toString());
        w.put(StorageConfig.ARTIFACT_STORE_DIR.name(), artifacts.toString());
        w.put("metrics.port", "-1");
        w.put(WorkerConfig.ONNX_INTRA_OP_THREADS.name(), "1");
        w.put(WorkerConfig.COMMIT_INTERVAL.name(), "50ms");
        worker = InferenceWorker.builder(TestStack.get().config(WorkerConfig.FULL, w)).meterRegistry(new SimpleMeterRegistry()).build();
        worker.start();
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    @Order(1)
    void shouldAnswerTheWorkersPredictionsAndMarkTheModelUsed() throws Exception {
        assertThat(listed(member, "private-cls").get("updated_at").isNull()).as("never used yet").isTrue();

        Response r = member.send("POST", "/ml-models/private-cls/predict?project=" + project, "application/dicom",
                Files.readAllBytes(CT_SMALL));

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("jobId").asText()).startsWith("predict-").isEqualTo(r.headers().firstValue("X-Radflow-Job-Id").orElseThrow());
        assertThat(body.get("scope").asText()).isEqualTo("INSTANCE");
        assertThat(body.get("scopeUid").asText()).isEqualTo("1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322");
        JsonNode predictions = body.get("predictions");
        assertThat(predictions).hasSize(1);
        JsonNode p = predictions.get(0);
        assertThat(p.get("classIndex").asInt()).isEqualTo(1);
        assertThat(p.get("labelId").asText()).isEqualTo("L_abnormal");
        assertThat(p.get("sopInstanceUid").asText()).isEqualTo("1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322");
        assertThat(p.get("jobId").asText()).isEqualTo(body.get("jobId").asText());
        assertThat(p.toString()).contains("0.9330");

        // Neurodeploy's updated_at is "last used by predict": the job's status moves lastUsedAt.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(listed(member, "private-cls").get("updated_at").isNull()).isFalse());
    }

    @Test
    @Order(2)
    void shouldLetAnyonePredictWithAPublicModelAndOnlyReadersWithAPrivateOne() throws Exception {
        Response anonymous = admin.anonymous().send(multipart("/ml-models/public-cls/predict?project=" + project, CT_SMALL));
        assertThat(anonymous.status()).as(anonymous.toString()).isEqualTo(200);
        assertThat(anonymous.json().get("predictions")).hasSize(1);

        Response noKey = admin.anonymous().send("POST", "/ml-models/private-cls/predict?project=" + project, "application/dicom",
                Files.readAllBytes(CT_SMALL));
        assertThat(noKey.status()).as(noKey.toString()).isEqualTo(401);
        Response notMember = other.send("POST", "/ml-models/private-cls/predict?project=" + project, "application/dicom",
                Files.readAllBytes(CT_SMALL));
        assertThat(notMember.status()).as("a private model stays invisible: " + notMember).isEqualTo(404);
    }

    @Test
    @Order(3)
    void shouldRefuseWhatIsNotDicomOrDoesNotFitTheScope() throws Exception {
        Response text = member.send("POST", "/ml-models/private-cls/predict?project=" + project, "application/dicom",
                "this is not an image".getBytes(StandardCharsets.UTF_8));
        assertThat(text.status()).as(text.toString()).isEqualTo(400);
        assertThat(text.errorMessage()).contains("not a DICOM file");

        Response big = member.send("POST", "/ml-models/private-cls/predict?project=" + project, "application/dicom",
                new byte[2 << 20]);
        assertThat(big.status()).as("a body over the JSON limit (1 MiB) is read and checked: " + big).isEqualTo(400);
        assertThat(big.errorMessage()).contains("not a DICOM file");

        Response two = member.send(multipart("/ml-models/private-cls/predict?project=" + project, CT_SMALL, MR_SMALL));
        assertThat(two.status()).as(two.toString()).isEqualTo(400);
        assertThat(two.errorMessage()).contains("INSTANCE scope");

        Response many = member.send(multipart("/ml-models/private-cls/predict?project=" + project, CT_SMALL, MR_SMALL, CT_SMALL, MR_SMALL));
        assertThat(many.status()).as(many.toString()).isEqualTo(413);

        Response empty = member.send("POST", "/ml-models/private-cls/predict?project=" + project, "application/dicom", new byte[0]);
        assertThat(empty.status()).as(empty.toString()).isEqualTo(400);
    }

    @Test
    @Order(4)
    void shouldAnswer502WithTheReasonWhenTheModelFails() throws Exception {
        Response r = member.send("POST", "/ml-models/failing-cls/predict?project=" + project, "application/dicom",
                Files.readAllBytes(CT_SMALL));
        assertThat(r.status()).as(r.toString()).isEqualTo(502);
        assertThat(r.errorCode()).isEqualTo("model-error");
        assertThat(r.errorMessage()).contains("Reshape");
    }

    @Test
    @Order(99)
    void shouldAnswer504WhenNoWorkerAnswersInTime() throws Exception {
        worker.close();
        long start = System.nanoTime();
        Response r = member.send("POST", "/ml-models/private-cls/predict?project=" + project, "application/dicom",
                Files.readAllBytes(CT_SMALL));
        assertThat(r.status()).as(r.toString()).isEqualTo(504);
        assertThat(r.errorMessage()).contains("registry.predict.timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(100));
        assertThat(r.headers().firstValue("X-Radflow-Job-Id")).isPresent();
    }

    private static JsonNode listed(ApiClient client, String name) {
        Response r = client.get("/ml-models?project=" + project + "&limit=100");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        for (JsonNode m : r.json().get("models")) {
            if (m.get("model_name").asText().equals(name)) {
                return m;
            }
        }
        throw new AssertionError(name + " not listed: " + r);
    }

    private static HttpRequest.Builder multipart(String path, Path... files) throws Exception {
        String boundary = "radflow-" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        for (Path f : files) {
            out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file" + (i++) + "\"; filename=\"" + f.getFileName()
                    + "\"\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(Files.readAllBytes(f));
            out.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return admin.request(path).POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary);
    }

    private static void model(String name, String visibility, String file) throws Exception {
        created(admin.put("/ml-models/" + name + "?project=" + project + "&lib=onnx&filetype=onnx", Map.of("visibility", visibility)));
        byte[] onnx;
        try (InputStream in = PredictIT.class.getResourceAsStream("/models/" + file)) {
            onnx = in.readAllBytes();
        }
        created(admin.postVersion("/ml-models/" + name + "/versions?project=" + project, Map.of("scope", "instance", "activate", true,
                "labelClasses", List.of(
                        Map.of("classIndex", 0, "labelId", "L_normal", "name", "Normal", "type", "global", "scope", "instance"),
                        Map.of("classIndex", 1, "labelId", "L_abnormal", "name", "Abnormal", "type", "global", "scope", "instance"))),
                onnx, file));
    }

    private static String key(String user) {
        return created(admin.post("/api-keys", Map.of("userId", user))).get("key").asText();
    }

    private static JsonNode created(Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }
}
