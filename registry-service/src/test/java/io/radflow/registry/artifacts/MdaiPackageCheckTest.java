package io.radflow.registry.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.error.Reason;
import io.radflow.registry.RegistryException;
import io.radflow.schemas.avro.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MdaiPackageCheckTest {

    @TempDir
    Path dir;

    private Path zip(Map<String, String> files) throws IOException {
        return Files.write(dir.resolve("package.zip"), TestArtifacts.zip(files));
    }

    @Test
    void shouldAcceptAPackageAndReadItsDevice() throws IOException {
        MdaiPackageCheck.PackageInfo info = MdaiPackageCheck.check(zip(TestArtifacts.mdaiFiles()));
        assertThat(info.root()).isEmpty();
        assertThat(info.device()).contains(Device.GPU);
    }

    @Test
    void shouldAcceptAPackageUnderOneTopLevelFolder() throws IOException {
        Map<String, String> nested = new LinkedHashMap<>();
        TestArtifacts.mdaiFiles().forEach((k, v) -> nested.put("my-model/" + k, v));
        assertThat(MdaiPackageCheck.check(zip(nested)).root()).isEqualTo("my-model/");
    }

    @Test
    void shouldNameEveryMissingFile() throws IOException {
        Map<String, String> files = new LinkedHashMap<>(TestArtifacts.mdaiFiles());
        files.remove("requirements.txt");
        files.remove(".mdai/mdai_deploy.py");
        assertInvalid(zip(files), "lacks .mdai/mdai_deploy.py, requirements.txt");
    }

    @Test
    void shouldRejectAConfigThatIsNotYaml() throws IOException {
        Map<String, String> files = new LinkedHashMap<>(TestArtifacts.mdaiFiles());
        files.put(".mdai/config.yaml", "base_image: [py38\n  : : :");
        assertInvalid(zip(files), "config.yaml is not valid YAML");
    }

    @Test
    void shouldRejectAConfigThatIsNotAMapping() throws IOException {
        Map<String, String> files = new LinkedHashMap<>(TestArtifacts.mdaiFiles());
        files.put(".mdai/config.yaml", "- just\n- a list\n");
        assertInvalid(zip(files), "must be a YAML mapping");
    }

    @Test
    void shouldRejectADeployScriptWithoutMdaiModel() throws IOException {
        Map<String, String> files = new LinkedHashMap<>(TestArtifacts.mdaiFiles());
        files.put(".mdai/mdai_deploy.py", "def predict(data):\n    return []\n");
        assertInvalid(zip(files), "does not define class MDAIModel");
    }

    @Test
    void shouldRejectEntriesThatEscapeThePackageFolder() throws IOException {
        Map<String, String> files = new LinkedHashMap<>(TestArtifacts.mdaiFiles());
        files.put("../../etc/cron.d/evil", "* * * * * root true");
        assertInvalid(zip(files), "would unpack outside");
    }

    @Test
    void shouldRejectAFileThatIsNotAZip() throws IOException {
        assertInvalid(Files.write(dir.resolve("package.zip"), TestArtifacts.onnx()), "not a readable zip");
    }

    private static void assertInvalid(Path file, String message) {
        assertThatThrownBy(() -> MdaiPackageCheck.check(file)).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.INVALID_ARTIFACT);
            assertThat(e.getMessage()).contains("not a valid MD.ai package").contains(message);
        });
    }
}
