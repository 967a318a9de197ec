package io.radflow.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.radflow.registry.ApiClient.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The authorization matrix over HTTP on the real broker: owner, project admin, project member,
 * other user and anonymous caller, times private and public model, times read, write, export and
 * clone; every denial with its status and error code. Then the other denials: export switches,
 * clone codes and their redemption, projects, API keys.
 */
class AuthorizationMatrixIT {

    @TempDir
    static Path artifacts;

    static RegistryService service;
    static String project;
    static Map<String, ApiClient> callers;

    @BeforeAll
    static void start() throws Exception {
        service = RegistryFixture.start(RegistryFixture.newApplicationId("authz"), artifacts, Map.of());
        ApiClient admin = RegistryFixture.admin(service);
        project = "authz-" + UUID.randomUUID().toString().substring(0, 8);
        callers = Map.of(
                "owner", admin.as(key(admin, "olivia")),
                "project-admin", admin.as(key(admin, "adam")),
                "member", admin.as(key(admin, "mia")),
                "other", admin.as(key(admin, "oscar")),
                "anonymous", admin.anonymous(),
                "admin", admin);
        created(admin.post("/projects", Map.of("id", project, "members", List.of(
                Map.of("userId", "olivia", "role", "member"), Map.of("userId", "adam", "role", "admin"),
                Map.of("userId", "mia", "role", "member")))));
        for (String visibility : List.of("private", "public")) {
            model(callers.get("owner"), project, visibility, Map.of("visibility", visibility, "exportable", true,
                    "cloneable", "across-sites"));
        }
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    static String key(ApiClient admin, String user) {
        return created(admin.post("/api-keys", Map.of("userId", user))).get("key").asText();
    }

    static JsonNode created(Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    /** An HTTP model with one version. */
    static void model(ApiClient owner, String inProject, String name, Map<String, Object> settings) {
        created(owner.put("/ml-models/" + name + "?project=" + inProject + "&lib=http", settings));
        created(owner.post("/ml-models/" + name + "/versions?project=" + inProject, Map.of("scope", "series",
                "httpEndpoint", Map.of("url", "http://models:9000"))));
    }

    static Stream<Arguments> matrix() {
        List<Arguments> rows = new ArrayList<>();
        // caller, private model status, public model status
        add(rows, "read", "owner", 200, 200);
        add(rows, "read", "project-admin", 200, 200);
        add(rows, "read", "member", 200, 200);
        add(rows, "read", "other", 404, 200);
        add(rows, "read", "anonymous", 404, 200);
        add(rows, "write", "owner", 200, 200);
        add(rows, "write", "project-admin", 200, 200);
        add(rows, "write", "member", 403, 403);
        add(rows, "write", "other", 404, 403);
        add(rows, "write", "anonymous", 404, 401);
        add(rows, "export", "owner", 200, 200);
        add(rows, "export", "project-admin", 403, 403);
        add(rows, "export", "member", 403, 403);
        add(rows, "export", "other", 404, 403);
        add(rows, "export", "anonymous", 404, 401);
        add(rows, "clone", "owner", 201, 201);
        add(rows, "clone", "project-admin", 201, 201);
        // MD.ai: any project member may make a clone code, and anyone may for a public model.
        add(rows, "clone", "member", 201, 201);
        add(rows, "clone", "other", 404, 201);
        add(rows, "clone", "anonymous", 404, 401);
        return rows.stream();
    }

    private static void add(List<Arguments> rows, String operation, String caller, int privateStatus, int publicStatus) {
        rows.add(Arguments.of(operation, caller, "private", privateStatus));
        rows.add(Arguments.of(operation, caller, "public", publicStatus));
    }

    @ParameterizedTest(name = "{0} by {1} on a {2} model: {3}")
    @MethodSource("matrix")
    void shouldAllowOrDenyEachCallerEachOperation(String operation, String caller, String model, int expected) {
        ApiClient client = callers.get(caller);
        String path = "/ml-models/" + model;
        String query = "?project=" + project;
        Response r = switch (operation) {
            case "read" -> client.get(path + query);
            case "write" -> client.put(path + query, Map.of("description", "changed by " + caller));
            case "export" -> client.get(path + "/export" + query);
            case "clone" -> client.post(path + "/clone-codes" + query, Map.of());
            default -> throw new IllegalArgumentException(operation);
        };
        assertStatus(r, expected);
    }

    @Test
    void shouldShowNonMembersOnlyPublicModelsInLists() {
        for (String caller : List.of("other", "anonymous")) {
            Response r = callers.get(caller).get("/ml-models?view=full&project=" + project);
            JsonNode items = r.json().get("items");
            assertThat(items).as(caller).extracting(n -> n.get("name").asText()).contains("public").doesNotContain("private");
            assertThat(items).as(caller).allSatisfy(n -> assertThat(n.get("effectivelyPublic").asBoolean()).isTrue());
        }
        assertThat(callers.get("member").get("/ml-models?view=full&project=" + project).json().get("items"))
                .extracting(n -> n.get("name").asText()).contains("public", "private");
    }

    @Test
    void shouldDenyVersionsAndDeletesToNonManagers() {
        Map<String, Object> version = Map.of("scope", "series", "httpEndpoint", Map.of("url", "http://models:9000"));
        assertStatus(callers.get("member").post("/ml-models/public/versions?project=" + project, version), 403);
        assertStatus(callers.get("other").post("/ml-models/private/versions?project=" + project, version), 404);
        assertStatus(callers.get("anonymous").post("/ml-models/public/versions?project=" + project, version), 401);
        assertStatus(callers.get("member").delete("/ml-models/public?project=" + project), 403);
        assertStatus(callers.get("other").delete("/ml-models/private?project=" + project + "&purge=true"), 404);
        assertStatus(callers.get("anonymous").delete("/ml-models/public?project=" + project), 401);
        assertStatus(callers.get("other").get("/ml-models/private/clone-codes?project=" + project), 404);
        assertStatus(callers.get("anonymous").get("/ml-models/public/clone-codes?project=" + project), 401);
    }

    @Test
    void shouldNeverExportWhenTheProjectDisabledItOrTheModelIsNotExportable() {
        String locked = "authz-locked-" + UUID.randomUUID().toString().substring(0, 8);
        created(callers.get("admin").post("/projects", Map.of("id", locked, "exportDisabled", true,
                "members", List.of(Map.of("userId", "olivia", "role", "admin")))));
        model(callers.get("owner"), locked, "locked", Map.of("exportable", true));
        assertStatus(callers.get("owner").get("/ml-models/locked/export?project=" + locked), 403);
        assertStatus(callers.get("admin").get("/ml-models/locked/export?project=" + locked), 403);

        model(callers.get("owner"), project, "not-exportable", Map.of());
        assertStatus(callers.get("owner").get("/ml-models/not-exportable/export?project=" + project), 403);

        model(callers.get("owner"), project, "team-export", Map.of("exportable", true, "exportAudience", "project", "visibility", "public"));
        assertThat(callers.get("member").get("/ml-models/team-export/export?project=" + project).status()).isEqualTo(200);
        assertStatus(callers.get("other").get("/ml-models/team-export/export?project=" + project), 403);
    }

    @Test
    void shouldDenyCloneCodesForModelsThatAreNotCloneable() {
        model(callers.get("owner"), project, "not-cloneable", Map.of());
        assertStatus(callers.get("owner").post("/ml-models/not-cloneable/clone-codes?project=" + project, Map.of()), 403);
    }

    @Test
    void shouldDenyRedeemingToCallersWhoCannotAddModelsThere() {
        String code = created(callers.get("owner").post("/ml-models/public/clone-codes?project=" + project, Map.of())).get("code").asText();
        String privateTarget = "authz-target-" + UUID.randomUUID().toString().substring(0, 8);
        created(callers.get("admin").post("/projects", Map.of("id", privateTarget)));
        String publicTarget = privateTarget + "-pub";
        created(callers.get("admin").post("/projects", Map.of("id", publicTarget, "visibility", "public")));

        assertStatus(callers.get("anonymous").post("/clone-codes/redeem", Map.of("code", code, "project", privateTarget)), 401);
        assertStatus(callers.get("other").post("/clone-codes/redeem", Map.of("code", code, "project", privateTarget)), 404);
        assertStatus(callers.get("other").post("/clone-codes/redeem", Map.of("code", code, "project", publicTarget)), 403);
        assertStatus(callers.get("owner").post("/clone-codes/redeem", Map.of("code", code, "project", project)), 400);
        assertStatus(callers.get("other").post("/clone-codes/redeem", Map.of("code", "rfc_not-a-code", "project", publicTarget)), 404);
        // Once a member of the target project, the same caller may redeem.
        assertThat(callers.get("admin").put("/projects/" + privateTarget + "/members/oscar", Map.of("role", "member")).status())
                .isEqualTo(200);
        created(callers.get("other").post("/clone-codes/redeem", Map.of("code", code, "project", privateTarget)));
    }

    @Test
    void shouldLetOnlyProjectAdminsChangeProjects() {
        assertStatus(callers.get("member").patch("/projects/" + project, Map.of("exportDisabled", true)), 403);
        assertStatus(callers.get("owner").put("/projects/" + project + "/members/oscar", Map.of("role", "admin")), 403);
        assertStatus(callers.get("other").patch("/projects/" + project, Map.of("exportDisabled", true)), 404);
        assertStatus(callers.get("anonymous").patch("/projects/" + project, Map.of("exportDisabled", true)), 404);
        assertStatus(callers.get("other").get("/projects/" + project), 404);
        assertStatus(callers.get("other").post("/projects", Map.of("id", "authz-far-" + UUID.randomUUID().toString().substring(0, 8),
                "siteId", "elsewhere")), 403);
        assertStatus(callers.get("anonymous").post("/projects", Map.of("id", "authz-anon")), 401);
        assertThat(callers.get("project-admin").patch("/projects/" + project, Map.of("name", "renamed")).status()).isEqualTo(200);
    }

    @Test
    void shouldDenyKeyOperationsBeyondTheCallersOwn() {
        assertStatus(callers.get("member").post("/api-keys", Map.of("userId", "olivia")), 403);
        assertStatus(callers.get("member").post("/api-keys", Map.of("admin", true)), 403);
        assertStatus(callers.get("anonymous").post("/api-keys", Map.of()), 401);
        assertStatus(callers.get("anonymous").get("/api-keys"), 401);
        String oliviasKey = callers.get("owner").get("/api-keys").json().get(0).get("id").asText();
        assertStatus(callers.get("member").delete("/api-keys/" + oliviasKey), 404);
        assertStatus(callers.get("owner").as("rfk_0123456789ab_not-a-real-secret").get("/me"), 401);
        assertStatus(callers.get("owner").as("garbage").get("/ml-models"), 401);
        Response basic = callers.get("anonymous").send(callers.get("anonymous").request("/me").header("Authorization", "Basic YTpi"));
        assertStatus(basic, 401);
    }

    static void assertStatus(Response r, int expected) {
        assertThat(r.status()).as(r.toString()).isEqualTo(expected);
        if (expected >= 400) {
            String code = switch (expected) {
                case 400 -> "invalid-request";
                case 401 -> "unauthenticated";
                case 403 -> "forbidden";
                case 404 -> "not-found";
                default -> throw new IllegalArgumentException("no error code for " + expected);
            };
            assertThat(r.errorCode()).as(r.toString()).isEqualTo(code);
            assertThat(r.errorMessage()).isNotBlank();
        }
    }
}
