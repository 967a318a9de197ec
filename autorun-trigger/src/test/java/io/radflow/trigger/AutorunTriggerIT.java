package io.radflow.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.DeadLetterHeaders;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.Events;
import io.radflow.testsupport.TopicReader;
import io.radflow.trigger.UploadTree.Completion;
import io.radflow.trigger.UploadTree.ExpectedJob;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trigger on the real broker and registry: a multi-study upload, shuffled and partly
 * duplicated, with instance-, series- and study-scope auto-run models, yields exactly the expected
 * jobs as a read_committed consumer sees them.
 */
class AutorunTriggerIT {

    @TempDir
    Path state;

    final TriggerItHarness it = new TriggerItHarness();

    @AfterEach
    void close() {
        it.close();
    }

    @Test
    void shouldEmitExactlyTheExpectedJobsForAShuffledMultiStudyUpload() throws Exception {
        String p = it.projectId;
        Instant before = Instant.now().minusSeconds(600);
        it.publishSettings(List.of(
                Events.model("inst-" + it.run, p, Scope.INSTANCE, before),
                Events.model("series-" + it.run, p, Scope.SERIES, before),
                Events.model("study-" + it.run, p, Scope.STUDY, before),
                ModelSettings.newBuilder(Events.model("off-" + it.run, p, Scope.INSTANCE, before)).setAutoRun(false).build(),
                ModelSettings.newBuilder(Events.model("archived-" + it.run, p, Scope.SERIES, before)).setArchivedAt(before).build()));
        String root = "1.2.826.0.1.3680043.9." + Math.abs(it.run.hashCode() % 100000);
        UploadTree tree = new UploadTree(p)
                .study(root + ".1", Completion.MARKER_WITH_COUNT,
                        UploadTree.series(root + ".1.1", 5, Completion.MARKER_WITH_COUNT),
                        UploadTree.series(root + ".1.2", 12, Completion.MARKER_WITH_COUNT),
                        UploadTree.series(root + ".1.3", 1, Completion.EXPECTED_COUNT))
                .study(root + ".2", Completion.MARKER_AT_END,
                        UploadTree.series(root + ".2.1", 7, Completion.EXPECTED_COUNT),
                        UploadTree.series(root + ".2.2", 3, Completion.MARKER_AT_END))
                .study(root + ".3", Completion.QUIET,
                        UploadTree.series(root + ".3.1", 4, Completion.QUIET),
                        UploadTree.series(root + ".3.2", 2, Completion.MARKER_WITH_COUNT))
                .study(root + ".4", Completion.MARKER_WITH_COUNT,
                        UploadTree.series(root + ".4.10", 6, Completion.MARKER_AT_END),
                        UploadTree.series(root + ".4.9", 3, Completion.QUIET));
        List<DatasetUploadEvent> events = tree.events(new Random(42), 0.2, Instant.now());
        List<ExpectedJob> expected = tree.expectedJobs("inst-" + it.run, "series-" + it.run, "study-" + it.run);

        try (AutorunTriggerService trigger = new AutorunTriggerService(it.config(state, Map.of(
                "trigger.quiet.period", "4s", "trigger.punctuation.interval", "250ms")), it.topics);
             KafkaProducer<byte[], byte[]> producer = it.uploadProducer("tree-upload");
             TopicReader<String, InferenceJob> jobs = it.jobsReader();
             TopicReader<byte[], byte[]> deadLetters = it.deadLetterReader()) {
            trigger.start();
            // What a client asks before uploading: eligible models are seen, switched-off and archived ones never are.
            String inst = "inst-" + it.run;
            String study = "study-" + it.run;
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> trigger.autoRunsNow(p, List.of(inst, "series-" + it.run, study)));
            assertThat(trigger.autoRunsNow(p, List.of(inst, "off-" + it.run))).isFalse();
            assertThat(trigger.autoRunsNow(p, List.of("archived-" + it.run))).isFalse();
            assertThat(trigger.autoRunsNow("no-such-project", List.of(inst))).isFalse();
            // One transaction: the trigger sees the whole upload at once, so quiet periods start together.
            producer.beginTransaction();
            int half = events.size() / 2;
            events.subList(0, half).forEach(e -> producer.send(it.record(e)));
            producer.send(new ProducerRecord<>(it.topics.uploads().name(), (root + ".1").getBytes(StandardCharsets.UTF_8),
                    "not an upload event".getBytes(StandardCharsets.UTF_8)));
            producer.send(it.record(Events.instance("no-such-project", root + ".9", root + ".9.1", root + ".9.1.1", 1, Instant.now())));
            events.subList(half, events.size()).forEach(e -> producer.send(it.record(e)));
            producer.commitTransaction();

            List<ConsumerRecord<String, InferenceJob>> read = jobs.readAtLeast(expected.size(), Duration.ofSeconds(90),
                    Duration.ofSeconds(3));

            assertThat(read).extracting(ConsumerRecord::key).as("job ids").doesNotHaveDuplicates();
            assertThat(read).allSatisfy(r -> assertThat(r.value().getJobId()).isEqualTo(r.key()));
            assertThat(read).extracting(r -> ExpectedJob.summary(r.value()))
                    .containsExactlyInAnyOrderElementsOf(expected.stream().map(ExpectedJob::summary).toList());

            List<ConsumerRecord<byte[], byte[]>> dead = deadLetters.readAtLeast(2, Duration.ofSeconds(30), Duration.ZERO);
            assertThat(dead).extracting(r -> new String(r.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder("NOT_CONFLUENT_FRAMED", "UNKNOWN_PROJECT");
            assertThat(dead).allSatisfy(r -> assertThat(new String(r.headers().lastHeader(DeadLetterHeaders.SOURCE_TOPIC).value(),
                    StandardCharsets.UTF_8)).isEqualTo(it.topics.uploads().name()));

            assertThat(trigger.healthy()).isTrue();
            assertThat(trigger.meterRegistry().get(TriggerMetrics.JOBS_EMITTED).tags("scope", "instance").counters().stream()
                    .mapToDouble(c -> c.count()).sum()).isEqualTo(tree.instanceCount());
        }
    }

    @Test
    void shouldServeMetricsAndHealth() throws Exception {
        it.publishSettings(List.of());
        try (AutorunTriggerService trigger = new AutorunTriggerService(it.config(state, Map.of("metrics.port", "0")), it.topics)) {
            trigger.start();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(trigger.endpoints().get("metrics"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(trigger.endpoints().get("health"))).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(metrics.body()).contains("radflow_trigger_groups_pending").contains("radflow_trigger_jobs_emitted_total")
                    .contains("kafka_stream");
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }
}
