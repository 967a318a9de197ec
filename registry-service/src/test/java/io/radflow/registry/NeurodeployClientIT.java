package io.radflow.registry;

import static io.radflow.registry.AuthorizationMatrixIT.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.Scope;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client written to Neurodeploy's documented models API, unchanged, against Radflow on the real
 * broker and schema registry: {@code PUT /ml-models/{name}?lib=&filetype=&is_public=} without a
 * project, {@code GET /ml-models} ({@code {"models": [...]}}, {@code limit}, {@code deleted},
 * {@code used}, and the documented {@code curl -d limit=10} form), {@code DELETE}. The requests are
 * plain java.net.http with a bearer key and nothing Radflow-specific; then Radflow's additions
 * (restore, {@code view=full}) and the denials.
 */
class NeurodeployClientIT {

    @TempDir
    static Path artifacts;

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static RegistryService service;
    static ApiClient admin;
    static String base;
    static String user;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        service = RegistryFixture.start(RegistryFixture.newApplicationId("neurodeploy"), artifacts, Map.of());
        admin = RegistryFixture.admin(service);
        base = service.url();
        user = "nd-" + UUID.randomUUID().toString().substring(0, 8);
        token = admin.post("/api-keys", Map.of("userId", user)).json().get("key").asText();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    /** What a Neurodeploy client sends: a method, a path with query, the bearer token, maybe a form body. */
    static HttpResponse<String> neurodeploy(String method, String pathAndQuery, String formBody) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token);
        if (formBody == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.method(method, HttpRequest.BodyPublishers.ofString(formBody))
                    .header("Content-Type", "application/x-www-form-urlencoded");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r, int status) throws IOException {
        assertThat(r.statusCode()).as(r.statusCode() + " " + r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    /** The names of the caller's own models on a page (other users' public models are listed too). */
    static List<String> mine(JsonNode page) {
        List<String> names = new java.util.ArrayList<>();
        page.get("models").forEach(m -> {
            if (m.get("project").asText().equals("user." + user)) {
                names.add(m.get("model_name").asText());
            }
        });
        return names;
    }

    static JsonNode listed(JsonNode page, String name) {
        for (JsonNode m : page.get("models")) {
            if (m.get("model_name").asText().equals(name) && m.get("project").asText().equals("user." + user)) {
                return m;
            }
        }
        return null;
    }

    @Test
    void shouldServeANeurodeployClientUnchanged() throws Exception {
        JsonNode created = json(neurodeploy("PUT", "/ml-models/churn?lib=scikit-learn&filetype=joblib&is_public=false", null), 201);
        assertThat(created.get("project").asText()).as("the caller's default project").isEqualTo("user." + user);
        assertThat(json(neurodeploy("PUT", "/ml-models/churn?lib=scikit-learn&filetype=joblib&is_public=true", null), 200)
                .get("visibility").asText()).as("the same model, updated").isEqualTo("public");
        String digitsId = json(neurodeploy("PUT", "/ml-models/digits?lib=tensorflow&filetype=h5&is_public=false", null), 201)
                .get("id").asText();

        JsonNode page = json(neurodeploy("GET", "/ml-models", null), 200);
        assertThat(mine(page)).containsExactly("churn", "digits");
        JsonNode churn = listed(page, "churn");
        assertThat(churn).isNotNull();
        assertThat(churn.get("is_public").asBoolean()).isTrue();
        assertThat(churn.get("library").asText()).isEqualTo("scikit-learn");
        assertThat(churn.get("filetype").asText()).isEqualTo("joblib");
        assertThat(Instant.parse(churn.get("created_at").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(churn.get("updated_at").isNull()).as("never used by a prediction").isTrue();
        assertThat(churn.get("deleted_at").isNull()).isTrue();
        assertThat(iterable(churn)).containsExactlyInAnyOrder("model_name", "is_public", "library", "filetype",
                "created_at", "updated_at", "deleted_at", "project");
        assertThat(listed(page, "digits").get("library").asText()).isEqualTo("tensorflow");

        assertThat(json(neurodeploy("GET", "/ml-models?limit=1", null), 200).get("models")).hasSize(1);
        assertThat(json(neurodeploy("POST", "/ml-models", "limit=1"), 200).get("models"))
                .as("the documented curl -d limit=1 posts a form").hasSize(1);

        // Used by the predict endpoint: a worker's job status moves updated_at.
        KafkaTopics.produce(TopicCatalog.JOB_STATUS, "job-" + UUID.randomUUID(), JobStatus.newBuilder().setJobId("job-nd")
                .setState(JobState.SUCCEEDED).setModelId(digitsId).setModelVersion(1).setScope(Scope.INSTANCE)
                .setJobCreatedAt(Instant.now()).setUpdatedAt(Instant.now()).build());
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode used = json(neurodeploy("GET", "/ml-models?used=true", null), 200);
            assertThat(mine(used)).containsExactly("digits");
            assertThat(listed(used, "digits").get("updated_at").isNull()).isFalse();
        });
        assertThat(mine(json(neurodeploy("GET", "/ml-models?used=false", null), 200))).containsExactly("churn");

        JsonNode deleted = json(neurodeploy("DELETE", "/ml-models/churn", null), 200);
        assertThat(deleted.get("deletedAt").isNull()).isFalse();
        assertThat(listed(json(neurodeploy("GET", "/ml-models", null), 200), "churn")).as("deleted models are not listed").isNull();
        JsonNode archived = json(neurodeploy("GET", "/ml-models?deleted=true", null), 200);
        assertThat(listed(archived, "churn").get("deleted_at").isNull()).isFalse();

        // Radflow's additions: restore, and the full representation.
        JsonNode restored = json(neurodeploy("POST", "/ml-models/churn/restore", null), 200);
        assertThat(restored.get("deletedAt").isNull()).isTrue();
        assertThat(listed(json(neurodeploy("GET", "/ml-models", null), 200), "churn").get("deleted_at").isNull()).isTrue();
        JsonNode full = json(neurodeploy("GET", "/ml-models?view=full&project=user." + user, null), 200);
        assertThat(full.get("items")).extracting(m -> m.get("name").asText()).containsExactly("churn", "digits");
        assertThat(full.get("total").asInt()).isEqualTo(2);
        assertThat(full.at("/items/1/lastUsedAt").isNull()).isFalse();

        assertThat(neurodeploy("DELETE", "/ml-models/churn?purge=true", null).statusCode()).isEqualTo(204);
        assertThat(neurodeploy("GET", "/ml-models/churn", null).statusCode()).isEqualTo(404);
        assertThat(neurodeploy("POST", "/ml-models/churn/restore", null).statusCode()).as("purged is gone for good").isEqualTo(404);
    }

    @Test
    void shouldPageTenModelsByDefault() throws Exception {
        String pager = "nd-pager-" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient client = admin.as(admin.post("/api-keys", Map.of("userId", pager)).json().get("key").asText());
        for (int i = 0; i < 12; i++) {
            assertThat(client.put("/ml-models/p" + (100 + i) + "?lib=onnx&filetype=onnx&is_public=false", null).status()).isEqualTo(201);
        }
        // Only this user's project: other tests' public models are listed to everyone.
        JsonNode first = client.get("/ml-models?project=user." + pager).json();
        assertThat(first.get("models")).hasSize(10);
        assertThat(first.get("total").asInt()).isEqualTo(12);
        assertThat(client.get("/ml-models?page=2&project=user." + pager).json().get("models")).extracting(m -> m.get("model_name").asText())
                .containsExactly("p110", "p111");
    }

    @Test
    void shouldPreferTheCallersOwnModelOverSomeoneElsesPublicOne() {
        String other = "nd-other-" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient otherClient = admin.as(admin.post("/api-keys", Map.of("userId", other)).json().get("key").asText());
        String theirs = "nd-theirs-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(otherClient.post("/projects", Map.of("id", theirs)).status()).isEqualTo(201);
        assertThat(otherClient.put("/ml-models/popular?project=" + theirs + "&lib=http&is_public=true", null).status()).isEqualTo(201);

        String meId = "nd-me-" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient me = admin.as(admin.post("/api-keys", Map.of("userId", meId)).json().get("key").asText());
        ApiClient.Response mine = me.put("/ml-models/popular?lib=http&is_public=false", null);
        assertThat(mine.status()).as("a public model of someone else is not the caller's to update: theirs is created").isEqualTo(201);
        assertThat(mine.json().get("project").asText()).isEqualTo("user." + meId);
        assertThat(me.get("/ml-models/popular").json().get("project").asText()).isEqualTo("user." + meId);
        assertThat(admin.get("/projects/user." + meId).json().at("/members/0/role").asText()).isEqualTo("admin");
        assertThat(otherClient.get("/ml-models/popular").json().get("project").asText()).isEqualTo(theirs);
        assertThat(me.get("/ml-models/popular?project=" + theirs).json().get("owner").asText()).isEqualTo(other);
    }

    @Test
    void shouldRefuseWhatNeurodeployClientsMayNotDo() {
        ApiClient anonymous = admin.anonymous();
        assertStatus(anonymous.put("/ml-models/nobody?lib=http", null), 401);
        ApiClient me = admin.as(admin.post("/api-keys", Map.of("userId", "nd-refused-" + UUID.randomUUID().toString().substring(0, 8)))
                .json().get("key").asText());
        ApiClient.Response bogusView = me.get("/ml-models?view=compact");
        assertStatus(bogusView, 400);
        assertThat(bogusView.errorMessage()).contains("view must be neurodeploy (the default) or full");
        ApiClient.Response reserved = me.post("/projects", Map.of("id", "user.somebody-else"));
        assertStatus(reserved, 400);
        assertThat(reserved.errorMessage()).contains("reserved for users' default projects");
        assertStatus(me.put("/ml-models/no-lib", null), 400);

        // Restoring takes the model's managers: others who see it get 403, others 404.
        String owner = "nd-owner-" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient ownerClient = admin.as(admin.post("/api-keys", Map.of("userId", owner)).json().get("key").asText());
        assertThat(ownerClient.put("/ml-models/archived-public?lib=http&is_public=true", null).status()).isEqualTo(201);
        assertThat(ownerClient.put("/ml-models/archived-private?lib=http&is_public=false", null).status()).isEqualTo(201);
        assertThat(ownerClient.delete("/ml-models/archived-public").status()).isEqualTo(200);
        assertThat(ownerClient.delete("/ml-models/archived-private").status()).isEqualTo(200);
        assertStatus(me.post("/ml-models/archived-public/restore?project=user." + owner, null), 403);
        assertStatus(me.post("/ml-models/archived-private/restore?project=user." + owner, null), 404);
        assertStatus(anonymous.post("/ml-models/archived-public/restore?project=user." + owner, null), 401);
        ApiClient.Response archivedPut = ownerClient.put("/ml-models/archived-private?lib=http", null);
        assertThat(archivedPut.status()).isEqualTo(409);
        assertThat(archivedPut.errorMessage()).contains("restore it");
        assertThat(ownerClient.post("/ml-models/archived-private/restore", null).json().get("deletedAt").isNull()).isTrue();
    }

    private static Iterable<String> iterable(JsonNode node) {
        return () -> node.fieldNames();
    }
}
