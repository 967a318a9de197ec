package io.radflow.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.radflow.registry.ApiClient.Response;
import io.radflow.registry.artifacts.TestArtifacts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The view is rebuilt from Kafka on restart and two instances of one registry agree; concurrent
 * writes through both instances all apply (no lost update) and each writer reads its own write.
 */
class RecoveryIT {

    @TempDir
    Path artifacts;

    @Test
    void shouldGiveTheSameAnswersAfterARestart() throws Exception {
        String applicationId = RegistryFixture.newApplicationId("restart");
        String project = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> reads = List.of("/ml-models?project=" + project, "/ml-models?deleted=true&project=" + project,
                "/ml-models/classifier?project=" + project, "/ml-models/remote?project=" + project, "/projects/" + project,
                "/ml-models/classifier/clone-codes?project=" + project);
        Map<String, String> before = new java.util.LinkedHashMap<>();
        String userKey;
        try (RegistryService first = RegistryFixture.start(applicationId, artifacts, Map.of())) {
            ApiClient admin = RegistryFixture.admin(first);
            userKey = created(admin.post("/api-keys", Map.of("userId", "rita"))).get("key").asText();
            ApiClient rita = admin.as(userKey);
            created(rita.post("/projects", Map.of("id", project)));
            created(rita.put("/ml-models/classifier?project=" + project + "&lib=onnx", Map.of("cloneable", "site-only")));
            created(rita.postVersion("/ml-models/classifier/versions?project=" + project, Map.of("scope", "instance"),
                    TestArtifacts.onnx(), "c.onnx"));
            created(rita.post("/ml-models/classifier/clone-codes?project=" + project, null));
            created(rita.put("/ml-models/remote?project=" + project + "&lib=http", null));
            created(rita.put("/ml-models/gone?project=" + project + "&lib=http", null));
            assertThat(rita.delete("/ml-models/gone?project=" + project).status()).isEqualTo(200);
            for (String read : reads) {
                before.put(read, ok(rita.get(read)));
            }
        }
        try (RegistryService second = RegistryFixture.start(applicationId, artifacts, Map.of())) {
            ApiClient rita = RegistryFixture.admin(second).as(userKey);
            for (String read : reads) {
                assertThat(ok(rita.get(read))).as(read).isEqualTo(before.get(read));
            }
            // The command processor's state came back too: revisions continue, names stay taken.
            JsonNode updated = ApiClient.JSON.readTree(ok(rita.put("/ml-models/classifier?project=" + project, Map.of("description", "after restart"))));
            assertThat(updated.get("revision").asLong()).isEqualTo(ApiClient.JSON.readTree(before.get(reads.get(2))).get("revision").asLong() + 1);
            assertThat(rita.post("/ml-models", Map.of("name", "gone", "project", project, "library", "http")).status()).isEqualTo(409);
        }
    }

    @Test
    void shouldAgreeAcrossTwoInstancesAndApplyConcurrentWritesThroughBoth() throws Exception {
        String applicationId = RegistryFixture.newApplicationId("two");
        String project = "two-" + UUID.randomUUID().toString().substring(0, 8);
        try (RegistryService a = RegistryFixture.start(applicationId, artifacts, Map.of());
             RegistryService b = RegistryFixture.start(applicationId, artifacts, Map.of())) {
            ApiClient onA = RegistryFixture.admin(a);
            ApiClient onB = RegistryFixture.admin(b);
            created(onA.post("/projects", Map.of("id", project)));
            created(onA.put("/ml-models/shared?project=" + project + "&lib=http", null));
            String model = "/ml-models/shared?project=" + project;

            // A write through one instance shows on the other once its view caught up, with the same answer.
            awaitSame(onA, onB, model);

            int writers = 6;
            int versionsEach = 3;
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                ApiClient client = w % 2 == 0 ? onA : onB;
                int writer = w;
                results.add(pool.submit(() -> {
                    List<Integer> mine = new ArrayList<>();
                    for (int i = 0; i < versionsEach; i++) {
                        JsonNode version = created(client.post("/ml-models/shared/versions?project=" + project,
                                Map.of("scope", "series", "httpEndpoint", Map.of("url", "http://writer-" + writer + ":" + (9000 + i)))));
                        int number = version.get("version").asInt();
                        // Read-your-writes on the instance that answered.
                        JsonNode now = ApiClient.JSON.readTree(ok(client.get(model)));
                        assertThat(now.get("versions")).extracting(v -> v.get("version").asInt()).contains(number);
                        assertThat(version.at("/httpEndpoint/url").asText()).isEqualTo("http://writer-" + writer + ":" + (9000 + i));
                        mine.add(number);
                    }
                    return mine;
                }));
            }
            Set<Integer> all = new TreeSet<>();
            for (Future<List<Integer>> f : results) {
                all.addAll(f.get());
            }
            pool.shutdown();
            assertThat(all).as("every write applied once, none lost").hasSize(writers * versionsEach)
                    .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, writers * versionsEach).boxed().toList());
            JsonNode finalModel = ApiClient.JSON.readTree(awaitSame(onA, onB, model));
            assertThat(finalModel.get("versions")).hasSize(writers * versionsEach);
            assertThat(finalModel.get("revision").asLong()).isEqualTo(1 + writers * versionsEach);
            awaitSame(onA, onB, "/ml-models?project=" + project);
        }
    }

    /** Waits until both instances answer {@code path} identically; returns the answer. */
    static String awaitSame(ApiClient a, ApiClient b, String path) {
        String[] answer = new String[1];
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            String fromA = ok(a.get(path));
            assertThat(ok(b.get(path))).isEqualTo(fromA);
            answer[0] = fromA;
        });
        return answer[0];
    }

    static JsonNode created(Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    static String ok(Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.body();
    }
}
