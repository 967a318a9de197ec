package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.radflow.demo.RegistryApi;
import io.radflow.ingestion.IngestionKafka;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.ExportedObject;
import io.radflow.schemas.avro.ResultsExported;
import io.radflow.testsupport.OrthancServer;
import io.radflow.testsupport.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole way, as a hospital sets it up: {@code ./radflow dev}, a project pointed at its PACS (a
 * real Orthanc) through the registry's REST API, a classifier version that asks for export, and
 * {@code ./radflow upload} of a CT. The worker's classification comes back into Orthanc as a TID
 * 1500 SR in the CT's study, stored by the exporter running inside {@code ./radflow dev}.
 */
class ResultsExportDevIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path CT = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm");

    @TempDir
    Path work;

    @Test
    void shouldStoreTheClassifiersFindingInTheProjectsPacsAsAStructuredReport() throws Exception {
        String project = "export-" + UUID.randomUUID().toString().substring(0, 8);
        Path secrets = Files.createDirectories(work.resolve("secrets"));
        Path study = Files.createDirectories(work.resolve("study"));
        Files.copy(CT, study.resolve("ct.dcm"));
        try (OrthancServer orthanc = OrthancServer.start(2)) {
            Files.writeString(secrets.resolve("pacs"), "Basic " + Base64.getEncoder()
                    .encodeToString(OrthancServer.basicAuth().getBytes(StandardCharsets.UTF_8)));
            try (LauncherProcess dev = LauncherProcess.start(work, Map.of("RADFLOW_EXPORTER_SECRETS_DIR", secrets.toString()), "dev")) {
                DevSession session = DevSession.await(dev);
                RegistryApi registry = new RegistryApi(URI.create(session.rest()), session.adminKey());
                registry.createProject(project, "results into the PACS");
                ObjectNode destination = JSON.createObjectNode();
                destination.putObject("exportDestination").put("kind", "stow-rs").put("url", orthanc.url() + "/dicom-web")
                        .put("authSecret", "pacs");
                HttpResponse<String> patched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(session.rest() + "/projects/"
                                + project)).header("Authorization", "Bearer " + session.adminKey()).header("Content-Type", "application/json")
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(destination.toString())).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
                String model = registry.createModel(project, "classifier", "onnx", "onnx", DevSession.autoRun());
                ObjectNode version = DevSession.version("instance", DevSession.brightnessLabels(), Map.of("output.activation", "softmax"));
                version.put("exportResults", true);
                registry.addVersion(project, "classifier", version, "brightness.onnx", DevSession.resource(DevSession.BRIGHTNESS_ONNX));
                Thread.sleep(5_000); // auto-run reaches the trigger asynchronously

                try (LauncherProcess upload = LauncherProcess.start(work, "upload", "--project", project, "--dataset", "d", "--no-progress",
                        study.toString())) {
                    assertThat(upload.waitFor(Duration.ofMinutes(3))).as(String.join("\n", upload.stderr())).isZero();
                }

                TopicSerdes serdes = IngestionKafka.serdes(session.config());
                ResultsExported exported;
                try (TopicReader<String, ResultsExported> reader = new TopicReader<>(session.bootstrap(), TopicCatalog.RESULTS_EXPORTED.name(),
                        new StringDeserializer(), serdes.valueDeserializer(TopicCatalog.RESULTS_EXPORTED))) {
                    exported = reader.readUntil(rs -> rs.stream().anyMatch(r -> model.equals(r.value().getModelId())), Duration.ofMinutes(3))
                            .stream().map(ConsumerRecord::value).filter(v -> model.equals(v.getModelId())).findFirst().orElse(null);
                }
                assertThat(exported).as("results-exported for the classifier's job; dev output:\n" + String.join("\n", dev.stdout())
                        + String.join("\n", dev.stderr())).isNotNull();
                assertThat(exported.getDestination()).startsWith("STOW_RS " + orthanc.url() + "/dicom-web");
                assertThat(exported.getObjects()).extracting(ExportedObject::getKind).containsExactly("SR");

                String sop = exported.getObjects().get(0).getSopInstanceUid();
                JsonNode found = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(orthanc.url() + "/tools/lookup"))
                        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(OrthancServer.basicAuth()
                                .getBytes(StandardCharsets.UTF_8))).POST(HttpRequest.BodyPublishers.ofString(sop)).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                assertThat(found).as("Orthanc holds the SR").hasSize(1);
                JsonNode tags = JSON.readTree(orthanc.get("/instances/" + found.get(0).path("ID").asText() + "/simplified-tags").body());
                assertThat(tags.path("Modality").asText()).isEqualTo("SR");
                assertThat(tags.path("StudyInstanceUID").asText()).isEqualTo(exported.getStudyInstanceUid());
                assertThat(tags.path("SOPClassUID").asText()).isEqualTo("1.2.840.10008.5.1.4.1.1.88.33");
                assertThat(dev.terminate(Duration.ofSeconds(60))).isEqualTo(143);
            }
        }
    }
}
