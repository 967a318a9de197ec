package io.radflow.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.Point;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.Scope;
import io.radflow.schemas.json.PredictionJson;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prediction view on the real broker and schema registry, through its HTTP API. */
class PredictionViewIT {

    @TempDir
    static Path content;

    private static ViewerFixture data;
    private static ViewerService viewer;
    private static ViewerApi api;
    private static ViewerFixture.StudyIds study;
    private static List<Prediction> outputs;
    private static String alice;

    @BeforeAll
    static void start() throws Exception {
        data = new ViewerFixture(content);
        data.projectsAndKeys();
        viewer = data.startViewer();
        api = new ViewerApi(viewer.url());
        alice = data.keys.get("alice");
        study = data.ids(data.privateProject, "all-kinds");
        data.upload(study);
        InferenceJob job = data.job(study, "job-seg-" + data.run, data.modelId, Scope.INSTANCE, study.sop(), 0, null);
        outputs = data.segmentationOutputs(job);
        data.status(job, JobState.SUCCEEDED, outputs.size());
        await().atMost(Duration.ofSeconds(30)).until(() -> predictionsOf(study, "", alice).size() == outputs.size());
    }

    @AfterAll
    static void stop() {
        if (viewer != null) {
            viewer.close();
        }
        if (data != null) {
            data.close();
        }
    }

    private static List<JsonNode> predictionsOf(ViewerFixture.StudyIds ids, String extra, String token) {
        ViewerApi.Reply r = api.get("/api/studies/" + ids.study() + "/predictions?project=" + ids.project() + extra, token);
        List<JsonNode> out = new ArrayList<>();
        if (r.status() == 200) {
            r.json().get("predictions").forEach(out::add);
        }
        return out;
    }

    @Test
    void shouldReturnPredictionsOfEveryDataKindExactlyAsTheyAreOnTheTopic() {
        Map<String, JsonNode> byId = new HashMap<>();
        predictionsOf(study, "", alice).forEach(p -> byId.put(p.get("predictionId").asText(), p));
        assertThat(byId).hasSize(outputs.size());
        for (Prediction p : outputs) {
            ObjectNode served = ((ObjectNode) byId.get(p.getPredictionId())).deepCopy();
            assertThat(served.remove("superseded").asBoolean()).isFalse();
            assertThat(served.remove("supersededByJobId").isNull()).isTrue();
            assertThat(served).as(p.getPredictionId()).isEqualTo(PredictionJson.toJson(p));
        }
        assertThat(byId.values()).extracting(p -> p.get("dataType").asText())
                .containsExactlyInAnyOrder("mask", "box", "vertices", "location", "vertices", "null", "null");
        assertThat(byId.get(outputs.get(5).getPredictionId()).get("probability").get(1).get("probability").asDouble()).isEqualTo(0.8);
        assertThat(byId.get(outputs.get(6).getPredictionId()).get("note").asText()).isEqualTo("no finding worth a second read");

        JsonNode reply = api.get("/api/studies/" + study.study() + "/predictions?project=" + study.project(), alice).json();
        assertThat(reply.at("/models/" + data.modelId + "/name").asText()).isEqualTo("lesion-finder");
        assertThat(reply.at("/models/" + data.modelId + "/versions/1/labels/1/name").asText()).isEqualTo("Nodule");
        assertThat(predictionsOf(study, "&model=lesion-finder", alice)).hasSize(outputs.size());
        assertThat(predictionsOf(study, "&model=" + data.classifierId, alice)).isEmpty();
    }

    @Test
    void shouldReplaceASupersededRevisionAndShowBothWithHistory() {
        ViewerFixture.StudyIds ids = data.ids(data.privateProject, "revisions");
        data.upload(ids);
        InferenceJob first = data.job(ids, "job-r0-" + data.run, data.modelId, Scope.INSTANCE, ids.sop(), 0, null);
        Prediction old = data.prediction(first, 0, 3, new Point(5.0, 5.0), 0.4, null, true);
        data.status(first, JobState.SUCCEEDED, 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> predictionsOf(ids, "", alice).size() == 1);

        // The re-run is queued: until it has results, the first revision stays current.
        InferenceJob second = data.job(ids, "job-r1-" + data.run, data.modelId, Scope.INSTANCE, ids.sop(), 1, first.getJobId());
        data.status(second, JobState.RUNNING, 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/studies/" + ids.study() + "?project=" + ids.project(), alice)
                .json().get("jobs").size() == 2);
        assertThat(predictionsOf(ids, "", alice)).extracting(p -> p.get("predictionId").asText()).containsExactly(old.getPredictionId());

        Prediction fresh = data.prediction(second, 0, 3, new Point(6.0, 6.0), 0.9, null, true);
        data.status(second, JobState.SUCCEEDED, 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(predictionsOf(ids, "", alice))
                .extracting(p -> p.get("predictionId").asText()).containsExactly(fresh.getPredictionId()));

        List<JsonNode> history = predictionsOf(ids, "&history=true", alice);
        assertThat(history).hasSize(2);
        JsonNode superseded = history.stream().filter(p -> p.get("predictionId").asText().equals(old.getPredictionId())).findFirst().orElseThrow();
        assertThat(superseded.get("superseded").asBoolean()).isTrue();
        assertThat(superseded.get("supersededByJobId").asText()).isEqualTo(second.getJobId());
        JsonNode current = history.stream().filter(p -> p.get("predictionId").asText().equals(fresh.getPredictionId())).findFirst().orElseThrow();
        assertThat(current.get("superseded").asBoolean()).isFalse();

        JsonNode jobs = api.get("/api/studies/" + ids.study() + "?project=" + ids.project(), alice).json().get("jobs");
        assertThat(jobs).anySatisfy(j -> {
            assertThat(j.get("jobId").asText()).isEqualTo(first.getJobId());
            assertThat(j.get("superseded").asBoolean()).isTrue();
        });
        assertThat(jobs).anySatisfy(j -> {
            assertThat(j.get("jobId").asText()).isEqualTo(second.getJobId());
            assertThat(j.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(j.get("revision").asInt()).isEqualTo(1);
        });
    }

    @Test
    void shouldShowPrivateProjectsOnlyToMembersAndPublicOnesToEveryone() {
        ViewerFixture.StudyIds open = data.ids(data.publicProject, "open");
        data.upload(open);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/studies?project=" + open.project(), null).status() == 200
                && api.get("/api/studies?project=" + open.project(), null).json().get("total").asInt() == 1);

        String privateStudy = "/api/studies/" + study.study() + "?project=" + study.project();
        Map<String, Integer> expected = new java.util.LinkedHashMap<>();
        expected.put("alice", 200);
        expected.put("admin", 200);
        expected.put("bob", 404);
        expected.put("anonymous", 404);
        expected.put("carol", 401);
        for (var e : expected.entrySet()) {
            String token = e.getKey().equals("anonymous") ? null : data.keys.get(e.getKey());
            for (String path : List.of(privateStudy, "/api/studies?project=" + study.project(),
                    "/api/studies/" + study.study() + "/predictions?project=" + study.project(),
                    "/api/studies/" + study.study() + "/instances/" + study.sop() + "/frames/1.png?project=" + study.project())) {
                ViewerApi.Reply r = api.get(path, token);
                assertThat(r.status()).as(e.getKey() + " " + path).isEqualTo(e.getValue());
                if (r.status() != 200) {
                    assertThat(r.json().at("/error/status").asInt()).isEqualTo(e.getValue());
                }
            }
        }
        assertThat(api.get(privateStudy, "rfk_000000000000_nope").status()).isEqualTo(401);
        assertThat(api.get(privateStudy, null).json().at("/error/message").asText()).isEqualTo("project '" + study.project() + "' not found");
        for (String who : List.of("bob", "anonymous")) {
            String token = who.equals("anonymous") ? null : data.keys.get(who);
            assertThat(api.get("/api/studies/" + open.study() + "?project=" + open.project(), token).status()).as(who).isEqualTo(200);
            assertThat(api.get("/api/projects", token).json().get("items")).extracting(p -> p.get("id").asText())
                    .contains(open.project()).doesNotContain(study.project());
        }
        assertThat(api.get("/api/projects", alice).json().get("items")).extracting(p -> p.get("id").asText())
                .contains(open.project(), study.project());
        // A project the registry does not know is invisible to everyone but system admins.
        assertThat(api.get("/api/studies?project=nowhere-" + data.run, alice).status()).isEqualTo(404);
        assertThat(api.get("/api/studies?project=nowhere-" + data.run, data.keys.get("admin")).status()).isEqualTo(200);
    }

    @Test
    void shouldAnswerBadRequestsWithJsonErrors() {
        String p = "?project=" + study.project();
        String s = "/api/studies/" + study.study();
        Map<String, Integer> cases = new java.util.LinkedHashMap<>();
        cases.put("/api/studies/1.2.3.999" + p, 404);
        cases.put("/api/studies/1.2.3.999/predictions" + p, 404);
        cases.put(s + "/instances/1.2.3.999/frames/1.png" + p, 404);
        cases.put(s + "/instances/" + study.sop() + "/frames/2.png" + p, 404);
        cases.put(s + "/instances/" + study.sop() + "/frames/0.png" + p, 404);
        cases.put(s + "/instances/" + study.sop() + "/frames/one.png" + p, 400);
        cases.put(s + "/instances/" + study.sop() + "/frames/1.jpg" + p, 404);
        cases.put(s + "/instances/" + study.sop() + "/frames/1.png" + p + "&window=40", 400);
        cases.put(s + "/instances/" + study.sopGone() + "/frames/1.png" + p, 404);
        cases.put("/api/studies", 400);
        cases.put(s, 400);
        cases.put(s + "/predictions" + p + "&history=maybe", 400);
        cases.put("/api/studies" + p + "&limit=0", 400);
        cases.put("/api/studies" + p + "&page=x", 400);
        cases.put("/api/nothing-here", 404);
        for (var c : cases.entrySet()) {
            ViewerApi.Reply r = api.get(c.getKey(), alice);
            assertThat(r.status()).as(c.getKey()).isEqualTo(c.getValue());
            assertThat(r.contentType()).as(c.getKey()).startsWith("application/json");
            assertThat(r.json().at("/error/message").asText()).as(c.getKey()).isNotBlank();
        }
        assertThat(api.get(s + "/instances/" + study.sopGone() + "/frames/1.png" + p, alice).json().at("/error/message").asText())
                .contains("no content at");
        assertThat(api.get("/api/studies", alice).json().at("/error/message").asText()).contains("project is required");
        assertThat(api.get(s + "/instances/" + study.sop() + "/frames/2.png" + p, alice).json().at("/error/message").asText())
                .contains("has 1 frame(s)");
    }

    @Test
    void shouldListStudiesWithCountsAndDescribeTheirSeriesAndInstances() {
        JsonNode page = api.get("/api/studies?project=" + study.project() + "&limit=50", alice).json();
        JsonNode summary = null;
        for (JsonNode item : page.get("items")) {
            if (item.get("studyUid").asText().equals(study.study())) {
                summary = item;
            }
        }
        assertThat(summary).isNotNull();
        assertThat(summary.get("modalities").get(0).asText()).isEqualTo("CT");
        assertThat(summary.get("seriesCount").asInt()).isEqualTo(1);
        assertThat(summary.get("instanceCount").asInt()).isEqualTo(2);
        assertThat(summary.at("/predictionCounts/" + data.modelId).asInt()).isEqualTo(outputs.size());
        assertThat(summary.at("/jobStates/SUCCEEDED").asInt()).isEqualTo(1);
        assertThat(summary.get("lastUpdate").asText()).isNotBlank();
        assertThat(page.get("limit").asInt()).isEqualTo(50);

        JsonNode first = api.get("/api/studies?project=" + study.project() + "&limit=1&page=1", alice).json();
        assertThat(first.get("items")).hasSize(1);
        assertThat(first.get("pages").asInt()).isEqualTo(first.get("total").asInt());

        JsonNode detail = api.get("/api/studies/" + study.study() + "?project=" + study.project(), alice).json();
        JsonNode series = detail.get("series").get(0);
        assertThat(series.get("seriesUid").asText()).isEqualTo(study.series());
        assertThat(series.get("description").asText()).isEqualTo("Abdomen");
        assertThat(series.get("instances")).extracting(i -> i.get("sopUid").asText()).containsExactly(study.sop(), study.sopGone());
        assertThat(series.get("instances").get(0).at("/predictions/total").asInt()).isEqualTo(outputs.size() - 1);
        assertThat(series.get("instances").get(1).at("/predictions/total").asInt()).isZero();
        assertThat(detail.at("/predictions/total").asInt()).isEqualTo(1);
        assertThat(detail.get("jobs").get(0).get("modelName").asText()).isEqualTo("lesion-finder");
    }

    @Test
    void shouldRenderAFrameAsPngWithAWindow() throws Exception {
        String path = "/api/studies/" + study.study() + "/instances/" + study.sop() + "/frames/1.png?project=" + study.project();
        ViewerApi.Reply plain = api.get(path, alice);
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.contentType()).isEqualTo("image/png");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(plain.body()));
        assertThat(image.getWidth()).isEqualTo(128);
        assertThat(image.getHeight()).isEqualTo(128);
        ViewerApi.Reply narrow = api.get(path + "&window=40,10", alice);
        assertThat(narrow.status()).isEqualTo(200);
        assertThat(narrow.body()).isNotEqualTo(plain.body());
    }

    @Test
    void shouldStreamNewPredictionsOfTheProjectAsServerSentEvents() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.base() + "/api/events?project=" + study.project()))
                .header("Authorization", "Bearer " + alice).header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> response = api.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            CompletableFuture<List<String>> seen = CompletableFuture.supplyAsync(() -> {
                List<String> got = new ArrayList<>();
                try {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        got.add(line);
                        if (line.startsWith("data:") && line.contains("\"prediction\"")) {
                            return got;
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return got;
            });
            Thread.sleep(300);
            ViewerFixture.StudyIds other = data.ids(data.publicProject, "elsewhere");
            InferenceJob elsewhere = data.job(other, "job-else-" + data.run, data.modelId, Scope.INSTANCE, other.sop(), 0, null);
            data.prediction(elsewhere, 0, 3, new Point(1.0, 1.0), 0.5, null, true);
            ViewerFixture.StudyIds live = data.ids(data.privateProject, "live");
            InferenceJob job = data.job(live, "job-live-" + data.run, data.modelId, Scope.INSTANCE, live.sop(), 0, null);
            Prediction p = data.prediction(job, 0, 3, new Point(1.0, 1.0), 0.5, null, true);
            List<String> got = seen.get(30, TimeUnit.SECONDS);
            assertThat(got).contains("event: prediction");
            assertThat(String.join("\n", got)).contains(p.getPredictionId()).contains(live.study())
                    .doesNotContain(other.study());
        }
        assertThat(api.get("/api/events?project=" + study.project(), data.keys.get("bob")).status()).isEqualTo(404);
        ViewerApi.Reply notAStream = api.get("/api/events?project=" + study.project(), alice);
        assertThat(notAStream.status()).isEqualTo(406);
        assertThat(notAStream.json().at("/error/message").asText()).contains("Accept: text/event-stream");
    }

    @Test
    void shouldServeOpenApiMetricsAndHealth() {
        JsonNode openApi = api.get("/openapi.json", null).json();
        List<String> documented = new ArrayList<>();
        openApi.get("paths").fieldNames().forEachRemaining(path -> openApi.get("paths").get(path).fieldNames()
                .forEachRemaining(method -> documented.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path)));
        assertThat(documented).containsExactlyInAnyOrderElementsOf(viewer.routes());
        assertThat(api.get("/health", null).json().get("status").asText()).isEqualTo("UP");
        ViewerApi.Reply metrics = api.get("/metrics", null);
        assertThat(new String(metrics.body(), StandardCharsets.UTF_8)).contains("radflow_viewer_http_requests").contains("radflow_viewer_view_changes");
    }
}
