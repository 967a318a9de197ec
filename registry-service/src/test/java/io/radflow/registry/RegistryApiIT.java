package io.radflow.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.radflow.registry.ApiClient.Response;
import io.radflow.registry.api.OpenApiDocument;
import io.radflow.registry.artifacts.TestArtifacts;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.RoutingRules;
import io.radflow.schemas.avro.ExportDestinationKind;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint over HTTP, against a registry on the real broker and schema registry. */
class RegistryApiIT {

    @TempDir
    static Path artifacts;

    static RegistryService service;
    static ApiClient admin;
    static ApiClient alice;
    static String project;
    static String otherProject;

    @BeforeAll
    static void start() throws Exception {
        service = RegistryFixture.start(RegistryFixture.newApplicationId("api"), artifacts, Map.of());
        admin = RegistryFixture.admin(service);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        project = "api-" + suffix;
        otherProject = "api-other-" + suffix;
        alice = admin.as(created(admin.post("/api-keys", Map.of("userId", "alice", "label", "api tests"))).get("key").asText());
        created(admin.post("/projects", Map.of("id", project, "name", "API tests",
                "members", List.of(Map.of("userId", "alice", "role", "member")))));
        created(alice.post("/projects", Map.of("id", otherProject)));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    static JsonNode created(Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    static JsonNode ok(Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    static String q(String name) {
        return "/ml-models/" + name + "?project=" + project;
    }

    @Test
    void shouldCreateAnOnnxModelAddAVersionAndPublishTheEvent() throws Exception {
        Response put = alice.put(q("nodules") + "&lib=onnx&filetype=onnx&is_public=false",
                Map.of("description", "finds nodules", "autoRun", true));
        JsonNode model = created(put);
        assertThat(model.get("owner").asText()).isEqualTo("alice");
        assertThat(model.get("library").asText()).isEqualTo("onnx");
        assertThat(model.get("visibility").asText()).isEqualTo("private");
        assertThat(model.get("autoRun").asBoolean()).isTrue();
        assertThat(put.headers().firstValue("ETag")).contains("\"1\"");

        Map<String, Object> metadata = Map.of("scope", "series", "device", "gpu",
                "labelClasses", List.of(Map.of("classIndex", 0, "labelId", "L_nodule", "name", "Nodule", "type", "local",
                        "scope", "instance", "annotationMode", "bbox")),
                "defaultArgs", Map.of("threshold", 0.5), "batching", Map.of("maxBatchSize", 8, "maxQueueDelayMs", 20),
                "activate", true);
        byte[] onnx = TestArtifacts.onnx();
        JsonNode v = created(alice.postVersion(q("nodules").replace("?", "/versions?"), metadata, onnx, "nodules.onnx"));
        assertThat(v.get("version").asInt()).isEqualTo(1);
        assertThat(v.get("runtime").asText()).isEqualTo("onnx");
        assertThat(v.get("device").asText()).isEqualTo("gpu");
        assertThat(v.at("/artifact/sha256").asText()).isEqualTo(sha256(onnx));
        assertThat(v.at("/artifact/fileName").asText()).isEqualTo("nodules.onnx");
        assertThat(v.at("/defaultArgs/threshold").asText()).isEqualTo("0.5");
        assertThat(v.at("/labelClasses/0/annotationMode").asText()).isEqualTo("bbox");
        Path stored = Path.of(URI.create(v.at("/artifact/uri").asText()));
        assertThat(stored).startsWith(artifacts.toRealPath());
        assertThat(Files.readAllBytes(stored)).isEqualTo(onnx);

        // Read-your-writes: an immediate GET shows the version.
        JsonNode got = ok(alice.get(q("nodules")));
        assertThat(got.get("activeVersion").asInt()).isEqualTo(1);
        assertThat(got.get("versions")).hasSize(1);
        assertThat(ok(alice.get(q("nodules").replace("?", "/versions/1?"))).get("scope").asText()).isEqualTo("series");
        assertThat(ok(alice.get(q("nodules").replace("?", "/versions?")))).hasSize(1);
        assertThat(alice.get(q("nodules").replace("?", "/versions/9?")).status()).isEqualTo(404);

        ModelSettings event = KafkaTopics.lastModelEvent(got.get("id").asText()).value();
        assertThat(event.getRevision()).isEqualTo(got.get("revision").asLong());
        assertThat(event.getOwnerId()).isEqualTo("alice");
        assertThat(event.getVersions().get(0).getRuntime()).isEqualTo(RuntimeKind.ONNX);
        assertThat(event.getVersions().get(0).getScope()).isEqualTo(Scope.SERIES);
        assertThat(event.getVersions().get(0).getArtifact().getSha256()).isEqualTo(sha256(onnx));
        assertThat(event.getVersions().get(0).getBatching().getMaxBatchSize()).isEqualTo(8);
        assertThat(event.getVersions().get(0).getBatching().getMaxQueueDelayMs()).isEqualTo(20);
    }

    @Test
    void shouldAcceptAnMdaiPackageAndTakeTheDeviceFromItsConfig() throws Exception {
        created(alice.post("/ml-models", Map.of("name", "mdai-pkg", "project", project, "library", "mdai")));
        byte[] zip = TestArtifacts.mdaiZip();
        JsonNode v = created(alice.postVersion(q("mdai-pkg").replace("?", "/versions?"), Map.of("scope", "study"), zip, "pkg.zip"));
        assertThat(v.get("runtime").asText()).isEqualTo("mdai-python");
        assertThat(v.get("device").asText()).as("from .mdai/config.yaml device_type").isEqualTo("gpu");
        assertThat(v.at("/artifact/sha256").asText()).isEqualTo(sha256(zip));
    }

    @Test
    void shouldDescribeHttpModelsByTheirEndpoint() {
        created(alice.put(q("remote") + "&lib=http", null));
        JsonNode v = created(alice.post(q("remote").replace("?", "/versions?"), Map.of("scope", "instance", "inputType", "thumbnail",
                "httpEndpoint", Map.of("url", "http://models.internal:9000", "timeoutMs", 5000, "authHeader", "V7_TOKEN"))));
        assertThat(v.get("runtime").asText()).isEqualTo("http");
        assertThat(v.get("inputType").asText()).isEqualTo("thumbnail");
        assertThat(v.at("/httpEndpoint/url").asText()).isEqualTo("http://models.internal:9000");
        assertThat(v.get("artifact").isNull()).isTrue();
    }

    @Test
    void shouldKeepResultExportSettingsThroughRestAndTheEvents() throws Exception {
        String p = "api-export-" + UUID.randomUUID().toString().substring(0, 8);
        created(alice.post("/projects", Map.of("id", p)));
        JsonNode stow = ok(alice.patch("/projects/" + p, Map.of("exportDestination",
                Map.of("kind", "stow_rs", "url", "https://pacs.example.org/dicom-web", "authSecret", "pacs-token"))));
        assertThat(stow.at("/exportDestination/kind").asText()).isEqualTo("stow-rs");
        assertThat(stow.at("/exportDestination/url").asText()).isEqualTo("https://pacs.example.org/dicom-web");
        assertThat(stow.at("/exportDestination/authSecret").asText()).isEqualTo("pacs-token");
        JsonNode cstore = ok(alice.patch("/projects/" + p, Map.of("exportDestination",
                Map.of("kind", "c_store", "aeTitle", "PACS", "host", "pacs.example.org", "port", 104))));
        assertThat(cstore.at("/exportDestination/port").asInt()).isEqualTo(104);
        assertThat(cstore.at("/exportDestination/url").isNull()).as("a new destination replaces the old one").isTrue();
        ProjectSettings event = KafkaTopics.read(TopicCatalog.PROJECT_SETTINGS).stream().filter(r -> r.key().equals(p))
                .reduce((a, b) -> b).orElseThrow().value();
        assertThat(event.getExportDestination().getKind()).isEqualTo(ExportDestinationKind.C_STORE);
        assertThat(event.getExportDestination().getAeTitle()).isEqualTo("PACS");

        created(alice.put(q("dicom-export") + "&lib=http", null));
        JsonNode v = created(alice.post(q("dicom-export").replace("?", "/versions?"), Map.of("scope", "series",
                "httpEndpoint", Map.of("url", "http://models:9000"), "exportResults", true,
                "labelClasses", List.of(Map.of("classIndex", 0, "labelId", "L_liver", "name", "Liver", "type", "local",
                        "scope", "instance", "annotationMode", "mask",
                        "dicomType", Map.of("value", "10200004", "scheme", "SCT", "meaning", "Liver"))))));
        assertThat(v.get("exportResults").asBoolean()).isTrue();
        assertThat(v.at("/labelClasses/0/dicomType/value").asText()).isEqualTo("10200004");
        assertThat(v.at("/labelClasses/0/dicomCategory").isNull()).as("the exporter's default").isTrue();
        ModelVersion version = KafkaTopics.lastModelEvent(ok(alice.get(q("dicom-export"))).get("id").asText()).value().getVersions().get(0);
        assertThat(version.getExportResults()).isTrue();
        assertThat(version.getLabelClasses().get(0).getDicomType().getMeaning()).isEqualTo("Liver");
    }

    @Test
    void shouldKeepRoutingRulesThroughRestTheEventExportAndClones() throws Exception {
        created(alice.put(q("routed") + "&lib=http", Map.of("exportable", true, "cloneable", "across-sites")));
        Map<String, Object> routing = Map.of("modalities", List.of("ct"), "sopClassUids", List.of("1.2.840.10008.5.1.4.1.1.2"),
                "bodyPartsExamined", List.of("Chest", "LUNG", "chest"), "seriesDescriptionPattern", "(?i)lung|chest");
        JsonNode v = created(alice.post(q("routed").replace("?", "/versions?"), Map.of("scope", "series",
                "httpEndpoint", Map.of("url", "http://models:9000"), "routing", routing)));
        JsonNode expected = ApiClient.JSON.valueToTree(Map.of("modalities", List.of("CT"),
                "sopClassUids", List.of("1.2.840.10008.5.1.4.1.1.2"), "bodyPartsExamined", List.of("CHEST", "LUNG"),
                "seriesDescriptionPattern", "(?i)lung|chest"));
        assertThat(v.get("routing")).as("normalised: upper case, repeats removed").isEqualTo(expected);
        assertThat(ok(alice.get(q("routed").replace("?", "/versions/1?"))).get("routing")).isEqualTo(expected);
        JsonNode model = ok(alice.get(q("routed")));
        assertThat(model.at("/versions/0/routing")).isEqualTo(expected);

        JsonNode plain = created(alice.post(q("routed").replace("?", "/versions?"), Map.of("scope", "series",
                "httpEndpoint", Map.of("url", "http://models:9000"))));
        assertThat(plain.at("/routing/modalities")).as("no rules: every image").isEmpty();
        assertThat(plain.at("/routing/sopClassUids")).isEmpty();
        assertThat(plain.at("/routing/bodyPartsExamined")).isEmpty();
        assertThat(plain.at("/routing/seriesDescriptionPattern").isNull()).isTrue();

        RoutingRules event = KafkaTopics.lastModelEvent(model.get("id").asText()).value().getVersions().get(0).getRouting();
        assertThat(event.getModalities()).containsExactly("CT");
        assertThat(event.getBodyPartsExamined()).containsExactly("CHEST", "LUNG");
        assertThat(event.getSeriesDescriptionPattern()).isEqualTo("(?i)lung|chest");

        Response export = alice.get(q("routed").replace("?", "/export?") + "&versions=1");
        assertThat(export.status()).as(export.toString()).isEqualTo(200);
        JsonNode manifest = ApiClient.JSON.readTree(unzip(export.bytes()).get("manifest.json"));
        assertThat(manifest.at("/versions/0/routing")).isEqualTo(expected);

        String code = created(alice.post(q("routed").replace("?", "/clone-codes?"), Map.of("versions", List.of(1)))).get("code").asText();
        JsonNode copy = created(alice.post("/clone-codes/redeem", Map.of("code", code, "project", otherProject, "name", "routed-copy")));
        assertThat(copy.at("/versions/0/routing")).isEqualTo(expected);

        // every field of a version, routing's included, is documented
        JsonNode schemas = ok(admin.anonymous().get("/openapi.json")).at("/components/schemas");
        assertThat(fieldNames(schemas.at("/Version/properties"))).isEqualTo(fieldNames(v));
        assertThat(fieldNames(schemas.at("/RoutingRules/properties"))).isEqualTo(fieldNames(v.get("routing")));
        assertThat(schemas.at("/Version/properties/routing/$ref").asText()).isEqualTo("#/components/schemas/RoutingRules");
        assertThat(schemas.at("/VersionMetadata/properties/routing/$ref").asText()).isEqualTo("#/components/schemas/RoutingRules");
        assertThat(schemas.at("/RoutingRules/properties/seriesDescriptionPattern/maxLength").asInt()).isEqualTo(256);
    }

    static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void shouldPageAndFilterTheModelList() throws Exception {
        String listProject = "api-list-" + UUID.randomUUID().toString().substring(0, 8);
        created(admin.post("/projects", Map.of("id", listProject)));
        for (int i = 0; i < 12; i++) {
            created(admin.put(String.format(Locale.ROOT, "/ml-models/m%02d?project=%s&lib=http", i, listProject), null));
        }
        JsonNode page1 = ok(admin.get("/ml-models?view=full&project=" + listProject));
        assertThat(page1.get("items")).hasSize(10);
        assertThat(page1.get("total").asInt()).isEqualTo(12);
        assertThat(page1.get("pages").asInt()).isEqualTo(2);
        assertThat(page1.at("/items/0/name").asText()).isEqualTo("m00");
        JsonNode page2 = ok(admin.get("/ml-models?view=full&page=2&project=" + listProject));
        assertThat(page2.get("items")).extracting(n -> n.get("name").asText()).containsExactly("m10", "m11");
        assertThat(ok(admin.get("/ml-models?view=full&limit=5&page=3&project=" + listProject)).get("items")).hasSize(2);

        ok(admin.delete("/ml-models/m00?project=" + listProject));
        assertThat(ok(admin.get("/ml-models?view=full&project=" + listProject)).get("total").asInt()).isEqualTo(11);
        JsonNode deleted = ok(admin.get("/ml-models?view=full&deleted=true&project=" + listProject));
        assertThat(deleted.get("items")).extracting(n -> n.get("name").asText()).containsExactly("m00");
        assertThat(deleted.at("/items/0/deletedAt").isNull()).isFalse();

        // A worker ran m01: the registry follows job-status and the "used" filter sees it.
        String m01 = ok(admin.get("/ml-models/m01?project=" + listProject)).get("id").asText();
        KafkaTopics.produce(TopicCatalog.JOB_STATUS, "job-" + UUID.randomUUID(), JobStatus.newBuilder().setJobId("job-1")
                .setState(JobState.SUCCEEDED).setModelId(m01).setModelVersion(1).setScope(Scope.INSTANCE)
                .setJobCreatedAt(Instant.now()).setUpdatedAt(Instant.now()).build());
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(ok(admin.get("/ml-models?view=full&used=true&project=" + listProject)).get("items"))
                        .extracting(n -> n.get("name").asText()).containsExactly("m01"));
        assertThat(ok(admin.get("/ml-models?view=full&used=false&project=" + listProject)).get("total").asInt()).isEqualTo(10);
        assertThat(ok(admin.get("/ml-models/m01?project=" + listProject)).get("lastUsedAt").isNull()).isFalse();
    }

    @Test
    void shouldArchiveThenPurgeWithATombstone() {
        JsonNode model = created(alice.put(q("short-lived") + "&lib=http", null));
        JsonNode archived = ok(alice.delete(q("short-lived")));
        assertThat(archived.get("deletedAt").isNull()).isFalse();
        assertThat(alice.put(q("short-lived"), Map.of("description", "x")).status()).as("archived models are read-only").isEqualTo(409);
        assertThat(alice.put(q("short-lived") + "&lib=http", null).status()).as("the name stays taken").isEqualTo(409);

        assertThat(alice.delete(q("short-lived") + "&purge=true").status()).isEqualTo(204);
        assertThat(alice.get(q("short-lived")).status()).isEqualTo(404);
        ConsumerRecord<String, ModelSettings> last = KafkaTopics.lastModelEvent(model.get("id").asText());
        assertThat(last.value()).as("purge writes a tombstone").isNull();
        created(alice.put(q("short-lived") + "&lib=http", null));
    }

    @Test
    void shouldExportChosenVersionsWithAManifest() throws Exception {
        created(alice.put(q("exported") + "&lib=onnx", Map.of("exportable", true)));
        byte[] onnx = TestArtifacts.onnx();
        created(alice.postVersion(q("exported").replace("?", "/versions?"), Map.of("scope", "instance"), onnx, "a.onnx"));
        created(alice.postVersion(q("exported").replace("?", "/versions?"), Map.of("scope", "instance"), onnx, "b.onnx"));

        Response export = alice.get(q("exported").replace("?", "/export?") + "&versions=2");
        assertThat(export.status()).as(export.toString()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/zip"));
        Map<String, byte[]> entries = unzip(export.bytes());
        assertThat(entries.keySet()).containsExactlyInAnyOrder("manifest.json", "versions/2/b.onnx");
        assertThat(entries.get("versions/2/b.onnx")).isEqualTo(onnx);
        JsonNode manifest = ApiClient.JSON.readTree(entries.get("manifest.json"));
        assertThat(manifest.get("format").asText()).isEqualTo("radflow-model-export");
        assertThat(manifest.get("exportedBy").asText()).isEqualTo("alice");
        assertThat(manifest.at("/model/name").asText()).isEqualTo("exported");
        assertThat(manifest.at("/versions/0/version").asInt()).isEqualTo(2);
        assertThat(manifest.at("/versions/0/path").asText()).isEqualTo("versions/2/b.onnx");
        assertThat(manifest.at("/versions/0/artifact/sha256").asText()).isEqualTo(sha256(onnx));
        assertThat(alice.get(q("exported").replace("?", "/export?") + "&versions=7").status()).isEqualTo(400);

        Response twice = alice.get(q("exported").replace("?", "/export?") + "&versions=2,1,2");
        assertThat(twice.status()).as(twice.toString()).isEqualTo(200);
        assertThat(unzip(twice.bytes()).keySet()).containsExactlyInAnyOrder("manifest.json", "versions/2/b.onnx", "versions/1/a.onnx");
    }

    @Test
    void shouldCloneVersionsIntoAnotherProjectAndFixCloneableOnTheCopy() {
        JsonNode source = created(alice.put(q("cloned") + "&lib=http", Map.of("cloneable", "across-sites", "description", "shared")));
        for (int i = 0; i < 2; i++) {
            created(alice.post(q("cloned").replace("?", "/versions?"), Map.of("scope", "series",
                    "httpEndpoint", Map.of("url", "http://models:900" + i))));
        }
        JsonNode code = created(alice.post(q("cloned").replace("?", "/clone-codes?"), Map.of("versions", List.of(2))));
        assertThat(code.get("code").asText()).startsWith("rfc_");
        JsonNode listed = ok(alice.get(q("cloned").replace("?", "/clone-codes?")));
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("code").isNull()).as("the code is shown once").isTrue();

        JsonNode copy = created(alice.post("/clone-codes/redeem", Map.of("code", code.get("code").asText(), "project", otherProject,
                "name", "cloned-copy")));
        assertThat(copy.get("project").asText()).isEqualTo(otherProject);
        assertThat(copy.get("description").asText()).isEqualTo("shared");
        assertThat(copy.get("versions")).hasSize(1);
        assertThat(copy.at("/versions/0/version").asInt()).isEqualTo(1);
        assertThat(copy.at("/versions/0/clonedFrom").asText()).isEqualTo(source.get("id").asText() + ":2");
        assertThat(copy.at("/versions/0/httpEndpoint/url").asText()).isEqualTo("http://models:9001");

        // MD.ai: the setting is fixed on the model that holds cloned versions (the copy), not on the source.
        assertThat(copy.get("cloneable").asText()).as("the copy is cloneable as its source").isEqualTo("across-sites");
        assertThat(copy.get("cloneableFrozen").asBoolean()).isTrue();
        Response unfreeze = alice.put("/ml-models/cloned-copy?project=" + otherProject, Map.of("cloneable", "none"));
        assertThat(unfreeze.status()).as(unfreeze.toString()).isEqualTo(409);
        assertThat(unfreeze.errorMessage()).contains("cloned from another model").contains(source.get("id").asText() + ":2");
        JsonNode after = ok(alice.get(q("cloned")));
        assertThat(after.get("cloneableFrozen").asBoolean()).isFalse();
        assertThat(after.at("/versions/1/cloned").asBoolean()).as("the source records that the version was cloned").isTrue();
        assertThat(ok(alice.put(q("cloned"), Map.of("cloneable", "site-only"))).get("cloneable").asText()).isEqualTo("site-only");
        assertThat(ok(alice.put(q("cloned"), Map.of("cloneable", "across-sites"))).get("cloneable").asText()).isEqualTo("across-sites");

        String id = listed.get(0).get("id").asText();
        assertThat(ok(alice.delete(q("cloned").replace("?", "/clone-codes/" + id + "?"))).get("revokedAt").isNull()).isFalse();
        assertThat(alice.post("/clone-codes/redeem", Map.of("code", code.get("code").asText(), "project", otherProject,
                "name", "again")).status()).isEqualTo(404);
    }

    @Test
    void shouldRefuseSiteOnlyCodesFromAnotherSite() {
        String farProject = "api-far-" + UUID.randomUUID().toString().substring(0, 8);
        created(admin.post("/projects", Map.of("id", farProject, "siteId", "hospital-b",
                "members", List.of(Map.of("userId", "alice", "role", "admin")))));
        created(alice.put(q("site-bound") + "&lib=http", Map.of("cloneable", "site-only")));
        created(alice.post(q("site-bound").replace("?", "/versions?"), Map.of("scope", "series",
                "httpEndpoint", Map.of("url", "http://models:9000"))));
        String code = created(alice.post(q("site-bound").replace("?", "/clone-codes?"), null)).get("code").asText();

        Response far = alice.post("/clone-codes/redeem", Map.of("code", code, "project", farProject));
        assertThat(far.status()).as(far.toString()).isEqualTo(403);
        assertThat(far.errorMessage()).contains("site");
        created(alice.post("/clone-codes/redeem", Map.of("code", code, "project", otherProject, "name", "site-bound-copy")));
    }

    @Test
    void shouldManageProjectsAndMembers() {
        String p = "api-proj-" + UUID.randomUUID().toString().substring(0, 8);
        JsonNode created = created(alice.post("/projects", Map.of("id", p, "name", "Chest CT")));
        assertThat(created.get("siteId").asText()).isEqualTo("local");
        assertThat(created.at("/members/0/userId").asText()).isEqualTo("alice");
        assertThat(created.at("/members/0/role").asText()).as("the creator administers it").isEqualTo("admin");

        JsonNode patched = ok(alice.patch("/projects/" + p, Map.of("visibility", "public", "exportDisabled", true)));
        assertThat(patched.get("visibility").asText()).isEqualTo("public");
        assertThat(patched.get("exportDisabled").asBoolean()).isTrue();
        assertThat(ok(alice.put("/projects/" + p + "/members/bob", Map.of("role", "member"))).get("members")).hasSize(2);
        assertThat(ok(alice.delete("/projects/" + p + "/members/bob")).get("members")).hasSize(1);
        assertThat(alice.delete("/projects/" + p + "/members/bob").status()).isEqualTo(404);
        assertThat(ok(alice.get("/projects/" + p)).get("revision").asLong()).isEqualTo(4);
        assertThat(ok(admin.anonymous().get("/projects"))).extracting(n -> n.get("id").asText()).contains(p).doesNotContain(project);

        // Models of a public project are public.
        created(alice.put("/ml-models/open?project=" + p + "&lib=http", null));
        JsonNode open = ok(admin.anonymous().get("/ml-models/open?project=" + p));
        assertThat(open.get("visibility").asText()).isEqualTo("private");
        assertThat(open.get("effectivelyPublic").asBoolean()).isTrue();
    }

    @Test
    void shouldCreateListAndRevokeApiKeys() {
        JsonNode me = ok(alice.get("/me"));
        assertThat(me.get("userId").asText()).isEqualTo("alice");
        assertThat(me.get("admin").asBoolean()).isFalse();
        assertThat(ok(admin.anonymous().get("/me")).get("authenticated").asBoolean()).isFalse();

        JsonNode key = created(alice.post("/api-keys", Map.of("label", "ci")));
        ApiClient ci = alice.as(key.get("key").asText());
        assertThat(ok(ci.get("/me")).get("userId").asText()).isEqualTo("alice");
        assertThat(ok(alice.get("/api-keys"))).extracting(n -> n.get("id").asText()).contains(key.get("id").asText());
        assertThat(ok(alice.get("/api-keys"))).allSatisfy(n -> assertThat(n.get("key").isNull()).isTrue());

        ok(alice.delete("/api-keys/" + key.get("id").asText()));
        Response revoked = ci.get("/me");
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.headers().firstValue("WWW-Authenticate")).isPresent();
    }

    @Test
    void shouldHonourIfMatch() {
        Response put = alice.put(q("conditional") + "&lib=http", null);
        String etag = put.headers().firstValue("ETag").orElseThrow();
        Response ok = alice.send(alice.request(q("conditional")).header("If-Match", etag).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"description\": \"first\"}")));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        Response stale = alice.send(alice.request(q("conditional")).header("If-Match", etag).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"description\": \"second\"}")));
        assertThat(stale.status()).isEqualTo(412);
        assertThat(ok(alice.get(q("conditional"))).get("description").asText()).isEqualTo("first");
    }

    @Test
    void shouldServeHealthMetricsAndAnOpenApiDocumentCoveringEveryRoute() {
        ApiClient anonymous = admin.anonymous();
        assertThat(ok(anonymous.get("/health")).get("status").asText()).isEqualTo("UP");
        Response metrics = anonymous.get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("radflow_registry_http_requests_seconds_count").contains("radflow_registry_commands_total")
                .contains("kafka_stream");

        JsonNode openapi = ok(anonymous.get("/openapi.json"));
        assertThat(openapi.get("openapi").asText()).startsWith("3.");
        assertThat(documentedRoutes(openapi)).isEqualTo(new TreeSet<>(service.routes()));
        assertThat(documentedRoutes(OpenApiDocument.tree())).isEqualTo(documentedRoutes(openapi));

        Response unknown = anonymous.get("/no-such-route");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("not-found");
    }

    static Set<String> documentedRoutes(JsonNode openapi) {
        Set<String> routes = new TreeSet<>();
        Iterator<Map.Entry<String, JsonNode>> paths = openapi.get("paths").fields();
        while (paths.hasNext()) {
            var path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (Set.of("get", "put", "post", "delete", "patch").contains(method)) {
                    routes.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            });
        }
        return routes;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }
}
