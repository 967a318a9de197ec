package io.radflow.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.registry.ApiClient.Response;
import io.radflow.registry.artifacts.TestArtifacts;
import io.radflow.schemas.TopicCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input over HTTP: each case gets a 4xx with a JSON error that says what is wrong, and leaves
 * nothing behind: no record on any registry topic, no file in the artifact store.
 */
class BadInputIT {

    static final long UPLOAD_LIMIT = 4096;
    static final Set<String> REGISTRY_TOPICS = Set.of(TopicCatalog.REGISTRY_COMMANDS.name(), TopicCatalog.MODEL_SETTINGS.name(),
            TopicCatalog.PROJECT_SETTINGS.name(), TopicCatalog.REGISTRY_API_KEYS.name(), TopicCatalog.REGISTRY_CLONE_CODES.name());

    @TempDir
    static Path artifacts;

    static RegistryService service;
    static ApiClient admin;
    static String project;

    @BeforeAll
    static void start() throws Exception {
        service = RegistryFixture.start(RegistryFixture.newApplicationId("bad-input"), artifacts,
                Map.of(RegistryConfig.UPLOAD_MAX_BYTES.name(), Long.toString(UPLOAD_LIMIT)));
        admin = RegistryFixture.admin(service);
        project = "bad-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin.post("/projects", Map.of("id", project)).status()).isEqualTo(201);
        for (String lib : List.of("onnx", "mdai", "http")) {
            assertThat(admin.put(path(lib) + "&lib=" + lib, null).status()).isEqualTo(201);
        }
        assertThat(admin.put(path("pickled") + "&lib=scikit-learn&filetype=pickle", null).status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    static String path(String name) {
        return "/ml-models/" + name + "?project=" + project;
    }

    static String versions(String name) {
        return "/ml-models/" + name + "/versions?project=" + project;
    }

    @Test
    void shouldRefuseUnknownLibrariesAndFileTypes() {
        refused(() -> admin.put(path("x") + "&lib=caffe", null), 400, "unknown lib 'caffe'");
        refused(() -> admin.put(path("x") + "&lib=pytorch&filetype=pt", null), 400, "unknown filetype 'pt'");
        refused(() -> admin.put(path("x") + "&lib=tensorflow&filetype=pickle", null), 400, "does not go with library tensorflow");
        refused(() -> admin.put(path("x") + "&lib=pytorch", null), 400, "filetype is required");
        refused(() -> admin.put(path("x") + "&filetype=onnx", null), 400, "lib is required");
        refused(() -> admin.put(path("x") + "&lib=onnx&is_public=maybe", null), 400, "is_public must be true or false");
        refused(() -> admin.post("/ml-models", Map.of("name", "x", "project", project, "library", "onnx", "cloneable", "sometimes")),
                400, "unknown 'cloneable' value 'sometimes'");
    }

    @Test
    void shouldRefuseBadScopesAndVersionMetadata() {
        refused(() -> admin.post(versions("http"), Map.of("scope", "organ", "httpEndpoint", Map.of("url", "http://m:1"))),
                400, "unknown 'scope' value 'organ'");
        refused(() -> admin.post(versions("http"), Map.of("httpEndpoint", Map.of("url", "http://m:1"))), 400, "scope is required");
        refused(() -> admin.post(versions("http"), Map.of("scope", "series", "httpEndpoint", Map.of("url", "ftp://m/x"))),
                400, "must be an http:// or https:// URL");
        refused(() -> admin.post(versions("http"), Map.of("scope", "series")), 400, "needs httpEndpoint");
        refused(() -> admin.post(versions("http"), Map.of("scope", "series", "httpEndpoint", Map.of("url", "http://m:1"),
                "labelClasses", List.of(Map.of("classIndex", 0, "labelId", "L", "type", "local", "scope", "instance")))),
                400, "needs an annotationMode");
        refused(() -> admin.post(versions("http"), Map.of("scope", "series", "httpEndpoint", Map.of("url", "http://m:1"),
                "batching", Map.of("maxBatchSize", 0))), 400, "maxBatchSize' must be between 1 and 4096");
        refused(() -> admin.postVersion(versions("pickled"), Map.of("scope", "series"), TestArtifacts.onnx(), "m.pkl"),
                400, "cannot run pickle files");
    }

    @Test
    void shouldRefuseBadRoutingRulesNamingThem() {
        Map<String, Object> endpoint = Map.of("url", "http://m:1");
        refused(() -> admin.post(versions("http"), Map.of("scope", "series", "httpEndpoint", endpoint,
                "routing", Map.of("modalities", List.of("CT", "")))), 400, "routing.modalities[1] is empty");
        refused(() -> admin.post(versions("http"), Map.of("scope", "series", "httpEndpoint", endpoint,
                "routing", Map.of("modalities", List.of("C;T")))), 400, "routing.modalities[0] 'C;T' is not a DICOM modality");
        refused(() -> admin.post(versions("http"), Map.of("scope", "series", "httpEndpoint", endpoint,
                "routing", Map.of("modalities", "CT"))), 400, "field 'routing.modalities' must be an array of strings");
        refused(() -> admin.post(versions("http"), Map.of("scope", "series", "httpEndpoint", endpoint,
                "routing", Map.of("bodyPartsExamined", List.of(42)))), 400, "field 'routing.bodyPartsExamined[0]' must be a string");
        refused(() -> admin.post(versions("http"), Map.of("scope", "series", "httpEndpoint", endpoint,
                "routing", Map.of("sopClassUids", List.of("CT Image Storage")))), 400,
                "routing.sopClassUids[0] 'CT Image Storage' is not a UID");
        refused(() -> admin.post(versions("http"), Map.of("scope", "series", "httpEndpoint", endpoint,
                "routing", Map.of("seriesDescriptionPattern", "(?i)lung["))), 400,
                "routing.seriesDescriptionPattern is not a valid regular expression");
        refused(() -> admin.post(versions("http"), Map.of("scope", "series", "httpEndpoint", endpoint,
                "routing", Map.of("seriesDescriptionPattern", "a".repeat(300)))), 400,
                "routing.seriesDescriptionPattern is 300 characters long; at most 256");
        refused(() -> admin.post(versions("http"), Map.of("scope", "series", "httpEndpoint", endpoint,
                "routing", Map.of("seriesDescriptionPattern", " "))), 400, "routing.seriesDescriptionPattern is empty");
        refused(() -> admin.post(versions("http"), Map.of("scope", "series", "httpEndpoint", endpoint,
                "routing", Map.of("modality", List.of("CT")))), 400, "unknown field 'routing.modality'");
        // checked before the artifact is read: nothing is stored
        refused(() -> admin.postVersion(versions("onnx"), Map.of("scope", "series", "routing", Map.of("modalities", List.of(" "))),
                TestArtifacts.onnx(), "m.onnx"), 400, "routing.modalities[0] is empty");
    }

    @Test
    void shouldRefuseBadExportDestinationsAndCodes() {
        String projectPath = "/projects/" + project;
        refused(() -> admin.patch(projectPath, Map.of("exportDestination", Map.of("kind", "email"))), 400,
                "unknown 'exportDestination.kind' value 'email'");
        refused(() -> admin.patch(projectPath, Map.of("exportDestination", Map.of("url", "http://pacs/dicom-web"))), 400,
                "exportDestination.kind is required");
        refused(() -> admin.patch(projectPath, Map.of("exportDestination", Map.of("kind", "stow_rs", "url", "ftp://pacs/x"))), 400,
                "exportDestination.url must be the DICOMweb base URL");
        refused(() -> admin.patch(projectPath, Map.of("exportDestination", Map.of("kind", "stow_rs", "url", "http://pacs/dicom-web",
                "authSecret", "Bearer abc/def"))), 400, "never put the secret itself here");
        refused(() -> admin.patch(projectPath, Map.of("exportDestination", Map.of("kind", "c_store", "aeTitle", "PACS",
                "host", "pacs"))), 400, "needs a host and a port (1-65535)");
        refused(() -> admin.patch(projectPath, Map.of("exportDestination", Map.of("kind", "c_store", "aeTitle", "A".repeat(17),
                "host", "pacs", "port", 104))), 400, "aeTitle must be 1-16 characters");
        refused(() -> admin.patch(projectPath, Map.of("exportDestination", Map.of("kind", "stow_rs", "url", "http://p",
                "password", "x"))), 400, "unknown field 'exportDestination.password'");
        refused(() -> admin.post(versions("http"), Map.of("scope", "series", "httpEndpoint", Map.of("url", "http://m:1"),
                "labelClasses", List.of(Map.of("classIndex", 0, "labelId", "L", "type", "global", "scope", "instance",
                        "dicomType", Map.of("value", "10200004", "meaning", "Liver"))))), 400,
                "label class 0 dicomType needs a value (1-64 characters), a scheme");
    }

    @Test
    void shouldRefuseMissingArtifacts() {
        refused(() -> admin.postVersion(versions("onnx"), Map.of("scope", "series"), null, null), 400, "the artifact is missing");
        refused(() -> admin.post(versions("onnx"), Map.of("scope", "series")), 400, "the artifact is missing");
        refused(() -> admin.postVersion(versions("onnx"), Map.of("scope", "series"), new byte[0], "empty.onnx"), 400, "is empty");
    }

    @Test
    void shouldRefuseCorruptArtifacts() {
        refused(() -> admin.postVersion(versions("onnx"), Map.of("scope", "series"),
                "<html>502 Bad Gateway</html>".getBytes(StandardCharsets.UTF_8), "model.onnx"), 400, "not a valid ONNX model");
        Map<String, String> noRequirements = new LinkedHashMap<>(TestArtifacts.mdaiFiles());
        noRequirements.remove("requirements.txt");
        refused(() -> admin.postVersion(versions("mdai"), Map.of("scope", "study"), TestArtifacts.zip(noRequirements), "p.zip"),
                400, "lacks requirements.txt");
        Map<String, String> badYaml = new LinkedHashMap<>(TestArtifacts.mdaiFiles());
        badYaml.put(".mdai/config.yaml", "base_image: [unclosed");
        refused(() -> admin.postVersion(versions("mdai"), Map.of("scope", "study"), TestArtifacts.zip(badYaml), "p.zip"),
                400, "config.yaml is not valid YAML");
        refused(() -> admin.postVersion(versions("mdai"), Map.of("scope", "study"), TestArtifacts.onnx(), "p.zip"),
                400, "not a readable zip");
    }

    @Test
    void shouldRefuseOversizedUploads() {
        byte[] large = new byte[(int) UPLOAD_LIMIT * 3];
        refused(() -> admin.postVersion(versions("onnx"), Map.of("scope", "series"), large, "big.onnx"), 413, "larger than the limit of 4096");
        byte[] huge = new byte[3 << 20];
        refused(() -> admin.postVersion(versions("onnx"), Map.of("scope", "series"), huge, "huge.onnx"), 413, "larger than the limit");
    }

    @Test
    void shouldRefuseMalformedJson() {
        refused(() -> admin.send("PUT", path("x") + "&lib=onnx", "application/json", "{not json".getBytes(StandardCharsets.UTF_8)),
                400, "malformed JSON");
        refused(() -> admin.send("POST", "/projects", "application/json", "[1, 2]".getBytes(StandardCharsets.UTF_8)),
                400, "must be a JSON object");
        refused(() -> admin.put(path("onnx"), Map.of("autoRun", "yes")), 400, "field 'autoRun' must be true or false");
        refused(() -> admin.put(path("onnx"), Map.of("autorun", true)), 400, "unknown field 'autorun'");
        refused(() -> admin.postVersion(versions("onnx"), "{\"scope\": ", TestArtifacts.onnx(), "m.onnx"), 400, "malformed JSON");
        refused(() -> admin.post("/projects", Map.of("id", "Bad Id")), 400, "invalid project id");
        refused(() -> admin.put("/ml-models/-bad?project=" + project + "&lib=onnx", null), 400, "invalid model name");
    }

    @Test
    void shouldRefuseDuplicateNames() {
        refused(() -> admin.post("/ml-models", Map.of("name", "onnx", "project", project, "library", "onnx")), 409,
                "already has a model named 'onnx'");
        refused(() -> admin.post("/projects", Map.of("id", project)), 409, "already exists");
    }

    @Test
    void shouldRefuseUnknownCloneCodes() {
        refused(() -> admin.post("/clone-codes/redeem", Map.of("code", "rfc_unknown", "project", project)), 404,
                "unknown or revoked clone code");
        refused(() -> admin.post("/clone-codes/redeem", Map.of("project", project)), 400, "code is required");
    }

    @Test
    void shouldRefuseBadListParametersAndUnknownModels() {
        refused(() -> admin.get("/ml-models?limit=1000"), 400, "limit must be between 1 and 100");
        refused(() -> admin.get("/ml-models?page=0"), 400, "page must be between");
        refused(() -> admin.get("/ml-models?used=often"), 400, "used must be true or false");
        refused(() -> admin.get(path("nope")), 404, "model 'nope' not found");
        refused(() -> admin.put(path("onnx"), Map.of("activeVersion", 3)), 400, "has no such version");
    }

    /** Sends a bad request; checks status and message, and that no topic and no artifact changed. */
    static void refused(Supplier<Response> request, int status, String message) {
        Map<TopicPartition, Long> before = KafkaTopics.endOffsets(REGISTRY_TOPICS);
        Set<Path> filesBefore = files();
        Response r = request.get();
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(r.errorMessage()).as(r.toString()).contains(message);
        assertThat(KafkaTopics.endOffsets(REGISTRY_TOPICS)).as("nothing written to Kafka").isEqualTo(before);
        assertThat(files()).as("nothing left in the artifact store").isEqualTo(filesBefore);
    }

    static Set<Path> files() {
        try (Stream<Path> walk = Files.walk(artifacts)) {
            return walk.filter(Files::isRegularFile).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
