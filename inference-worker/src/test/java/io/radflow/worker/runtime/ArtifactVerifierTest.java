package io.radflow.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.content.FileContentStore;
import io.radflow.content.StoredContent;
import io.radflow.schemas.avro.Artifact;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactVerifierTest {

    @TempDir
    Path dir;

    private Artifact stored(ArtifactVerifier store) throws Exception {
        StoredContent c = new FileContentStore(store.root()).put(Files.writeString(dir.resolve("model.onnx"), "model bytes"));
        return new Artifact(c.uri().toString(), c.sha256(), c.sizeBytes(), "model.onnx");
    }

    @Test
    void shouldHandBackAnArtifactWhoseChecksumMatches() throws Exception {
        ArtifactVerifier store = new ArtifactVerifier(dir.resolve("artifacts"));
        Artifact a = stored(store);
        assertThat(Files.readString(store.verified(a))).isEqualTo("model bytes");
    }

    @Test
    void shouldRefuseAChecksumOrSizeOtherThanTheVersionSays() throws Exception {
        ArtifactVerifier store = new ArtifactVerifier(dir.resolve("artifacts"));
        Artifact a = stored(store);
        assertThatThrownBy(() -> store.verified(Artifact.newBuilder(a).setSha256("00".repeat(32)).build()))
                .isInstanceOfSatisfying(RadflowException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MODEL_LOAD_FAILED))
                .hasMessageContaining("the version says 0000");
        assertThatThrownBy(() -> store.verified(Artifact.newBuilder(a).setSizeBytes(3).build())).hasMessageContaining("the version says 3");
    }

    @Test
    void shouldRefuseFilesOutsideTheStoreAndMissingOnes() throws Exception {
        ArtifactVerifier store = new ArtifactVerifier(dir.resolve("artifacts"));
        Path outside = Files.writeString(dir.resolve("elsewhere.onnx"), "x");
        assertThatThrownBy(() -> store.verified(new Artifact(outside.toUri().toString(), "00", 1L, "x")))
                .hasMessageContaining("outside the artifact store");
        assertThatThrownBy(() -> store.verified(new Artifact(store.root().resolve("gone.onnx").toUri().toString(), "00", 1L, "x")))
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> store.verified(new Artifact("http://example.org/m.onnx", "00", 1L, "x")))
                .hasMessageContaining("not a file: URI");
    }
}
