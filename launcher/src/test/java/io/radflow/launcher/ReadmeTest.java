package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README is the front door: short, every topic and module of the build in it, the same test
 * command as CI, and every document it points to there. (The configuration reference is
 * docs/configuration.md, checked by {@link ConfigurationDocTest}.)
 */
class ReadmeTest {

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final int MAX_LINES = 250;

    /** The documents that sections of the README moved to: each must stay reachable from it. */
    static final List<String> MOVED = List.of("docs/configuration.md", "docs/troubleshooting.md", "bench/README.md",
            "deploy/README.md", "registry-service/README.md", "autorun-trigger/DESIGN.md", "inference-worker/DESIGN.md");

    private static final Pattern RELATIVE_LINK = Pattern.compile("\\]\\((?!https?:|#|mailto:)([^)#\\s]+)(#[^)\\s]*)?\\)");
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

    private static String readme() throws Exception {
        return Files.readString(REPO.resolve("README.md"));
    }

    @Test
    void shouldStayShort() throws Exception {
        assertThat(readme().lines().count()).as("README.md lines").isLessThanOrEqualTo(MAX_LINES);
    }

    @Test
    void shouldDocumentEveryTopic() throws Exception {
        String readme = readme();
        for (Topic<?, ?> topic : TopicCatalog.ALL) {
            assertThat(readme).as("README documents topic " + topic.name()).contains("`" + topic.name() + "`");
        }
    }

    @Test
    void shouldListEveryModuleOfTheBuild() throws Exception {
        String readme = readme();
        Matcher modules = MODULE.matcher(Files.readString(REPO.resolve("pom.xml")));
        while (modules.find()) {
            assertThat(readme).as("README's module table lists " + modules.group(1)).contains("| `" + modules.group(1) + "` |");
        }
    }

    @Test
    void shouldRunTheSameTestCommandAsCi() throws Exception {
        String ci = Files.readString(REPO.resolve(".ci/run"));
        String lastCommand = ci.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).reduce((a, b) -> b)
                .orElseThrow().replaceFirst("^exec\\s+", "");
        assertThat(readme()).contains("`" + lastCommand + "`");
    }

    @Test
    void shouldLinkOnlyToFilesThatExist() throws Exception {
        Matcher links = RELATIVE_LINK.matcher(readme());
        while (links.find()) {
            assertThat(REPO.resolve(links.group(1))).as("README links " + links.group(1)).exists();
        }
    }

    @Test
    void shouldReachEveryMovedSection() throws Exception {
        String readme = readme();
        for (String doc : MOVED) {
            assertThat(readme).as("README links " + doc).contains("](" + doc + ")");
        }
    }
}
