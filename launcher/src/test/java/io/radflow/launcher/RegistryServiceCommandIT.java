package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.testsupport.TestStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./radflow registry-service} as an operator runs it: a separate process against a given cluster. */
class RegistryServiceCommandIT {

    @TempDir
    Path home;

    @Test
    void shouldServeTheApiWithTheConfiguredAdminKeyAndStopOnSigterm() throws Exception {
        String adminKey = "it-admin-key-" + UUID.randomUUID();
        TestStack stack = TestStack.get();
        try (LauncherProcess registry = LauncherProcess.start(home, "registry-service",
                "--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url", stack.schemaRegistryUrl(),
                "--set", "registry.admin.api.key=" + adminKey,
                "--set", "registry.application.id=registry-cli-" + UUID.randomUUID(),
                "--set", "artifact.store.dir=" + home.resolve("artifacts"))) {
            String url = registry.awaitStdout(l -> l.trim().startsWith("url:"), Duration.ofSeconds(120)).trim().substring(4).trim();
            registry.awaitStdout(l -> l.contains("Press Ctrl-C"), Duration.ofSeconds(10));
            assertThat(registry.stdout()).as("a configured admin key is not printed").noneMatch(l -> l.contains(adminKey));

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> me = http.send(HttpRequest.newBuilder(URI.create(url + "/me"))
                    .header("Authorization", "Bearer " + adminKey).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(me.statusCode()).isEqualTo(200);
            assertThat(me.body()).contains("\"admin\":true");
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(url + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);

            assertThat(registry.terminate(Duration.ofSeconds(60))).as("128 + SIGTERM, after a clean shutdown").isEqualTo(143);
        }
    }

    @Test
    void shouldRefuseAnAdminKeyThatIsTooShortWithExitCode2() throws Exception {
        TestStack stack = TestStack.get();
        try (LauncherProcess registry = LauncherProcess.start(home, "registry-service",
                "--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url", stack.schemaRegistryUrl(),
                "--set", "registry.admin.api.key=short", "--set", "registry.http.port=70000")) {
            assertThat(registry.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(String.join("\n", registry.stderr())).contains("registry.admin.api.key").contains("at least 24 characters")
                    .contains("registry.http.port");
        }
    }
}
