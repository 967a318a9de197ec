package io.radflow.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.config.ConfigSource;
import io.radflow.common.config.RadflowConfig;
import io.radflow.common.error.Reason;
import io.radflow.content.FileContentStore;
import io.radflow.schemas.avro.ExportDestination;
import io.radflow.schemas.avro.ExportDestinationKind;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.testsupport.Events;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DestinationsTest {

    @TempDir
    Path dir;

    Destinations destinations(Map<String, String> extra) {
        Map<String, String> values = new java.util.HashMap<>(extra);
        values.put("kafka.bootstrap.servers", "127.0.0.1:9092");
        values.put("schema.registry.url", "http://127.0.0.1:8081");
        RadflowConfig config = RadflowConfig.load(ExporterConfig.FULL, ConfigSource.of("test", values));
        return new Destinations(new FileContentStore(dir.resolve("content")), config);
    }

    static ProjectSettings project(ExportDestination d) {
        ProjectSettings p = Events.project("p1", ExportFixtures.DONE);
        p.setExportDestination(d);
        return p;
    }

    @Test
    void shouldUseTheContentStoreWithoutADestination() {
        assertThat(destinations(Map.of()).of(project(null)).describe()).isEqualTo("CONTENT_STORE");
        assertThat(destinations(Map.of()).of(null).describe()).isEqualTo("CONTENT_STORE");
    }

    @Test
    void shouldReadTheAuthorizationHeaderFromTheSecretsDirectory() throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("pacs"), "Bearer abc\n");
        ExportDestination stow = ExportDestination.newBuilder().setKind(ExportDestinationKind.STOW_RS).setUrl("http://pacs/dicom-web")
                .setAuthSecret("pacs").build();
        assertThat(destinations(Map.of(ExporterConfig.SECRETS_DIR.name(), secrets.toString())).of(project(stow)).describe())
                .isEqualTo("STOW_RS http://pacs/dicom-web (with an authorization header)");
    }

    @Test
    void shouldRefuseMissingSecretsAndIncompleteDestinations() throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(dir.resolve("outside"), "Bearer x");
        ExportDestination.Builder stow = ExportDestination.newBuilder().setKind(ExportDestinationKind.STOW_RS).setUrl("http://pacs/dicom-web");
        assertThatThrownBy(() -> destinations(Map.of()).of(project(stow.setAuthSecret("pacs").build())))
                .hasMessageContaining("names the secret pacs but exporter.secrets.dir is not set")
                .extracting(e -> ((ExportException) e).reason()).isEqualTo(Reason.DESTINATION_UNAUTHORIZED);
        Destinations withSecrets = destinations(Map.of(ExporterConfig.SECRETS_DIR.name(), secrets.toString()));
        assertThatThrownBy(() -> withSecrets.of(project(stow.setAuthSecret("../outside").build())))
                .hasMessageContaining("names the secret ../outside, which is no file in " + secrets);
        assertThatThrownBy(() -> withSecrets.of(project(ExportDestination.newBuilder().setKind(ExportDestinationKind.C_STORE)
                .setHost("pacs").build()))).hasMessageContaining("exports by C_STORE but lacks aeTitle, host or port");
    }
}
