package io.radflow.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.content.FileContentStore;
import io.radflow.content.StoredContent;
import io.radflow.schemas.avro.Artifact;
import io.radflow.schemas.avro.HttpEndpoint;
import io.radflow.schemas.avro.InputType;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.Events;
import io.radflow.worker.runtime.ArtifactVerifier;
import io.radflow.worker.settings.ResolvedVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which versions the worker takes with thumbnail input: MD.ai packages only, as on MD.ai. */
class ModelSpecsTest {

    @TempDir
    Path dir;

    private ResolvedVersion resolved(RuntimeKind runtime, InputType inputType, ArtifactVerifier artifacts) throws Exception {
        Instant now = Instant.now();
        ModelVersion.Builder v = ModelVersion.newBuilder(Events.version(1, Scope.INSTANCE, now)).setRuntime(runtime).setInputType(inputType);
        if (runtime == RuntimeKind.HTTP) {
            v.setHttpEndpoint(HttpEndpoint.newBuilder().setUrl("http://127.0.0.1:1").build());
        } else {
            StoredContent c = new FileContentStore(artifacts.root()).put(Files.writeString(dir.resolve("pkg.zip"), "package bytes"));
            v.setArtifact(new Artifact(c.uri().toString(), c.sha256(), c.sizeBytes(), "pkg.zip"));
        }
        return new ResolvedVersion(io.radflow.schemas.avro.ModelSettings.newBuilder(Events.model("m", "p", Scope.INSTANCE, now))
                .setVersions(List.of(v.build())).build(), v.build());
    }

    @Test
    void shouldTakeThumbnailInputForMdaiPackages() throws Exception {
        ArtifactVerifier artifacts = new ArtifactVerifier(dir.resolve("artifacts"));
        assertThat(new ModelSpecs(artifacts).spec(resolved(RuntimeKind.MDAI_PYTHON, InputType.THUMBNAIL, artifacts)).inputType())
                .isEqualTo(InputType.THUMBNAIL);
    }

    @Test
    void shouldRefuseThumbnailInputForOnnxAndHttpVersions() throws Exception {
        ArtifactVerifier artifacts = new ArtifactVerifier(dir.resolve("artifacts"));
        for (RuntimeKind runtime : List.of(RuntimeKind.ONNX, RuntimeKind.HTTP)) {
            ResolvedVersion v = resolved(runtime, InputType.THUMBNAIL, artifacts);
            assertThatThrownBy(() -> new ModelSpecs(artifacts).spec(v)).isInstanceOf(RadflowException.class)
                    .hasMessageContaining("input type THUMBNAIL is for MD.ai packages; " + runtime + " versions take DICOM input")
                    .matches(e -> ((RadflowException) e).reason() == Reason.MODEL_LOAD_FAILED);
        }
    }
}
