package io.radflow.registry;

import static io.radflow.registry.AuthorizationMatrixIT.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.radflow.registry.ApiClient.Response;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MD.ai's model settings rules over HTTP on the real broker and schema registry: who may make
 * clone codes, where the cloneable setting is fixed, that a site-only model never leaves its site,
 * who may disable export for a project, and exporting the model card alone.
 */
class ModelSettingsRulesIT {

    @TempDir
    static Path artifacts;

    static RegistryService service;
    static ApiClient admin;
    static ApiClient owner;
    static ApiClient member;
    static ApiClient outsider;
    static String project;
    static String sameSite;
    static String farSite;

    @BeforeAll
    static void start() throws Exception {
        service = RegistryFixture.start(RegistryFixture.newApplicationId("rules"), artifacts, Map.of());
        admin = RegistryFixture.admin(service);
        owner = admin.as(key("olga"));
        member = admin.as(key("max"));
        outsider = admin.as(key("otto"));
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        project = "rules-" + suffix;
        sameSite = "rules-near-" + suffix;
        farSite = "rules-far-" + suffix;
        created(admin.post("/projects", Map.of("id", project, "members", List.of(Map.of("userId", "olga", "role", "member"),
                Map.of("userId", "max", "role", "member")))));
        created(admin.post("/projects", Map.of("id", sameSite, "members", List.of(Map.of("userId", "max", "role", "admin")))));
        created(admin.post("/projects", Map.of("id", farSite, "siteId", "hospital-far",
                "members", List.of(Map.of("userId", "max", "role", "admin"), Map.of("userId", "otto", "role", "member")))));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    static String key(String user) {
        return created(admin.post("/api-keys", Map.of("userId", user))).get("key").asText();
    }

    static JsonNode created(Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    static JsonNode ok(Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /** An HTTP model with one version, owned by {@code by}. */
    static void model(ApiClient by, String inProject, String name, Map<String, Object> settings) {
        created(by.put("/ml-models/" + name + "?project=" + inProject + "&lib=http", settings));
        created(by.post("/ml-models/" + name + "/versions?project=" + inProject, Map.of("scope", "series",
                "httpEndpoint", Map.of("url", "http://models:9000"))));
    }

    static String path(String name, String inProject, String sub) {
        return "/ml-models/" + name + sub + "?project=" + inProject;
    }

    @Test
    void shouldLetMembersMakeCloneCodesAndSeeAndRevokeOnlyTheirOwn() {
        model(owner, project, "shared", Map.of("cloneable", "across-sites"));
        JsonNode ownersCode = created(owner.post(path("shared", project, "/clone-codes"), Map.of()));
        JsonNode membersCode = created(member.post(path("shared", project, "/clone-codes"), Map.of()));
        assertThat(membersCode.get("createdBy").asText()).isEqualTo("max");

        assertThat(ok(member.get(path("shared", project, "/clone-codes")))).extracting(n -> n.get("id").asText())
                .containsExactly(membersCode.get("id").asText());
        assertThat(ok(owner.get(path("shared", project, "/clone-codes")))).hasSize(2);
        Response revokeOthers = member.delete(path("shared", project, "/clone-codes/" + ownersCode.get("id").asText()));
        assertStatus(revokeOthers, 403);
        assertThat(revokeOthers.errorMessage()).contains("only whoever created this clone code");
        assertThat(ok(member.delete(path("shared", project, "/clone-codes/" + membersCode.get("id").asText())))
                .get("revokedAt").isNull()).isFalse();
        assertThat(ok(owner.delete(path("shared", project, "/clone-codes/" + ownersCode.get("id").asText())))
                .get("revokedAt").isNull()).isFalse();

        // Not a member and the model is private: it does not exist for them.
        assertStatus(outsider.post(path("shared", project, "/clone-codes"), Map.of()), 404);
        model(owner, project, "kept", Map.of("visibility", "public"));
        Response notCloneable = outsider.post(path("kept", project, "/clone-codes"), Map.of());
        assertStatus(notCloneable, 403);
        assertThat(notCloneable.errorMessage()).isEqualTo("model 'kept' is not cloneable");
    }

    @Test
    void shouldFixCloneableOnTheModelHoldingClonedVersionsNotOnTheSource() {
        model(owner, project, "origin", Map.of("cloneable", "across-sites"));
        String code = created(owner.post(path("origin", project, "/clone-codes"), Map.of())).get("code").asText();
        JsonNode copy = created(member.post("/clone-codes/redeem", Map.of("code", code, "project", sameSite, "name", "origin-copy")));
        assertThat(copy.get("cloneable").asText()).isEqualTo("across-sites");
        assertThat(copy.get("cloneableFrozen").asBoolean()).isTrue();

        for (String setting : List.of("none", "site-only")) {
            Response refused = member.put(path("origin-copy", sameSite, ""), Map.of("cloneable", setting));
            assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
            assertThat(refused.errorCode()).isEqualTo("already-exists");
            assertThat(refused.errorMessage()).contains("cloneable is fixed").contains("cloned from another model");
        }
        assertThat(ok(member.put(path("origin-copy", sameSite, ""), Map.of("cloneable", "across-sites", "description", "same")))
                .get("description").asText()).as("sending the value it has is no change").isEqualTo("same");
        // A version of its own does not unfix it: it still holds the cloned one.
        created(member.post(path("origin-copy", sameSite, "/versions"), Map.of("scope", "series",
                "httpEndpoint", Map.of("url", "http://models:9001"))));
        assertThat(member.put(path("origin-copy", sameSite, ""), Map.of("cloneable", "none")).status()).isEqualTo(409);

        JsonNode source = ok(owner.put(path("origin", project, ""), Map.of("cloneable", "none")));
        assertThat(source.get("cloneable").asText()).as("the source stays free to change").isEqualTo("none");
        assertThat(source.get("cloneableFrozen").asBoolean()).isFalse();
    }

    /**
     * The hole this closes: redeem a site-only model's code inside its site, set the copy to
     * across-sites, make a code for the copy and redeem it in another site. Every step is tried;
     * before the fix each succeeded and the versions left the site.
     */
    @Test
    void shouldNeverLetASiteOnlyModelLeaveItsSiteThroughACopy() {
        model(owner, project, "local-only", Map.of("cloneable", "site-only"));
        String code = created(owner.post(path("local-only", project, "/clone-codes"), Map.of())).get("code").asText();
        created(member.post("/clone-codes/redeem", Map.of("code", code, "project", sameSite, "name", "local-copy")));

        Response widen = member.put(path("local-copy", sameSite, ""), Map.of("cloneable", "across-sites"));
        String copysCode = created(member.post(path("local-copy", sameSite, "/clone-codes"), Map.of())).get("code").asText();
        Response far = member.post("/clone-codes/redeem", Map.of("code", copysCode, "project", farSite));

        assertStatus(far, 403);
        assertThat(far.errorMessage()).contains("can only be redeemed within site");
        assertThat(ok(member.get("/ml-models?view=full&project=" + farSite)).get("items")).as("nothing reached the far site").isEmpty();
        assertThat(widen.status()).as(widen.toString()).isEqualTo(409);
        assertThat(widen.errorMessage()).contains("stays site-only");
        assertThat(ok(member.get(path("local-copy", sameSite, ""))).get("cloneable").asText()).isEqualTo("site-only");
        assertStatus(member.post("/clone-codes/redeem", Map.of("code", code, "project", farSite)), 403);
    }

    @Test
    void shouldLetModelOwnersDisableExportAndOnlyAdminsAllowItAgain() {
        String p = "rules-export-" + UUID.randomUUID().toString().substring(0, 8);
        created(admin.post("/projects", Map.of("id", p, "members", List.of(Map.of("userId", "olga", "role", "member"),
                Map.of("userId", "max", "role", "member")))));
        model(owner, p, "exported", Map.of("exportable", true));
        assertThat(owner.get(path("exported", p, "/export")).status()).isEqualTo(200);

        Response notOwner = member.patch("/projects/" + p, Map.of("exportDisabled", true));
        assertStatus(notOwner, 403);
        assertThat(notOwner.errorMessage()).contains("only admins of project '" + p + "' and owners of its models may disable model export");
        assertThat(ok(owner.patch("/projects/" + p, Map.of("exportDisabled", true))).get("exportDisabled").asBoolean()).isTrue();
        Response export = owner.get(path("exported", p, "/export"));
        assertStatus(export, 403);
        assertThat(export.errorMessage()).contains("has disabled model export");

        Response allow = owner.patch("/projects/" + p, Map.of("exportDisabled", false));
        assertStatus(allow, 403);
        assertThat(allow.errorMessage()).contains("only its admins may allow export again");
        Response more = owner.patch("/projects/" + p, Map.of("exportDisabled", true, "name", "mine now"));
        assertStatus(more, 403);
        assertThat(more.errorMessage()).contains("only admins of project");
        assertStatus(outsider.patch("/projects/" + p, Map.of("exportDisabled", true)), 404);
        assertThat(ok(admin.patch("/projects/" + p, Map.of("exportDisabled", false))).get("exportDisabled").asBoolean()).isFalse();
        assertThat(owner.get(path("exported", p, "/export")).status()).isEqualTo(200);
    }

    @Test
    void shouldExportTheModelCardAloneWhenNoVersionIsSelected() throws Exception {
        model(owner, project, "card", Map.of("exportable", true, "description", "Finds nodules"));
        Response export = owner.get(path("card", project, "/export") + "&versions=");
        assertThat(export.status()).as(export.toString()).isEqualTo(200);
        Map<String, byte[]> entries = RegistryApiIT.unzip(export.bytes());
        assertThat(entries.keySet()).containsExactly("manifest.json");
        JsonNode manifest = ApiClient.JSON.readTree(entries.get("manifest.json"));
        assertThat(manifest.at("/model/name").asText()).isEqualTo("card");
        assertThat(manifest.at("/model/description").asText()).isEqualTo("Finds nodules");
        assertThat(manifest.get("versions")).isEmpty();

        Response all = owner.get(path("card", project, "/export"));
        assertThat(RegistryApiIT.unzip(all.bytes()).keySet()).as("no versions parameter: every version").hasSize(1);
        assertThat(ApiClient.JSON.readTree(RegistryApiIT.unzip(all.bytes()).get("manifest.json")).get("versions")).hasSize(1);
    }
}
