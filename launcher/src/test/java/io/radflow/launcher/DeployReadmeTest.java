package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** deploy/README.md maps every file of the folder and tells operators how to run at scale; the README points there. */
class DeployReadmeTest {

    @Test
    void shouldMapEveryFileOfTheDeployFolder() {
        String map = DeployFiles.read(DeployFiles.DEPLOY.resolve("README.md"));
        for (Path file : DeployFiles.all()) {
            String name = DeployFiles.relative(file);
            if (!name.equals("README.md")) {
                assertThat(map).as("deploy/README.md describes " + name).contains("`" + name + "`");
            }
        }
    }

    @Test
    void shouldExplainOperatingAtScale() {
        String operations = DeployFiles.read(DeployFiles.DEPLOY.resolve("README.md"));
        assertThat(operations).contains("## Operating at scale").contains("KEDA").contains("nvidia.com/gpu")
                .contains("./radflow topics create");
        assertThat(DeployFiles.read(DeployFiles.REPO.resolve("README.md"))).contains("## Operating at scale")
                .contains("(deploy/README.md)");
    }
}
