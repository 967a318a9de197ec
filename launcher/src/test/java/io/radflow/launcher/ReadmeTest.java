package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.common.config.ConfigKey;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README documents every configuration key and every topic, so it cannot drift from the code. */
class ReadmeTest {

    private static String readme() throws Exception {
        return Files.readString(Path.of("..", "README.md"));
    }

    @Test
    void shouldDocumentEveryConfigurationKey() throws Exception {
        String readme = readme();
        for (ConfigKey<?> key : DevServices.DEFINITION.keys()) {
            assertThat(readme).as("README documents " + key.name()).contains("`" + key.name() + "`").contains("`" + key.envName() + "`");
        }
    }

    @Test
    void shouldDocumentEveryTopic() throws Exception {
        String readme = readme();
        for (Topic<?, ?> topic : TopicCatalog.ALL) {
            assertThat(readme).as("README documents topic " + topic.name()).contains("`" + topic.name() + "`");
        }
    }

    @Test
    void shouldRunTheSameTestCommandAsCi() throws Exception {
        String ci = Files.readString(Path.of("..", ".ci", "run"));
        String lastCommand = ci.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).reduce((a, b) -> b).orElseThrow();
        assertThat(readme()).contains(lastCommand);
    }
}
