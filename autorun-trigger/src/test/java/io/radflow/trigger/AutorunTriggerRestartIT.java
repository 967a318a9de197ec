package io.radflow.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.Events;
import io.radflow.testsupport.TopicReader;
import io.radflow.trigger.UploadTree.Completion;
import io.radflow.trigger.UploadTree.ExpectedJob;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across restarts: the trigger is stopped while uploads keep arriving (gracefully, or
 * killed with SIGKILL in its own JVM), then started again; every expected job is on the topic once,
 * as a read_committed consumer sees it.
 */
class AutorunTriggerRestartIT {

    /** Short enough that the killed instance's partitions move on quickly; the broker's minimum is 6 s. */
    static final Map<String, String> FAST_FAILOVER = Map.of(
            "trigger.streams.session.timeout.ms", "6000", "trigger.streams.heartbeat.interval.ms", "1000");

    @TempDir
    Path stateA;

    @TempDir
    Path stateB;

    final TriggerItHarness it = new TriggerItHarness();
    List<DatasetUploadEvent> events;
    List<ExpectedJob> expected;

    @AfterEach
    void close() {
        it.close();
    }

    private void prepare() throws Exception {
        Instant before = Instant.now().minusSeconds(600);
        it.publishSettings(List.of(Events.model("inst-" + it.run, it.projectId, Scope.INSTANCE, before),
                Events.model("series-" + it.run, it.projectId, Scope.SERIES, before),
                Events.model("study-" + it.run, it.projectId, Scope.STUDY, before)));
        String root = "1.2.826.0.1.3680043.8." + Math.abs(it.run.hashCode() % 100000);
        UploadTree tree = new UploadTree(it.projectId);
        Random sizes = new Random(7);
        for (int s = 1; s <= 6; s++) {
            String study = root + "." + s;
            tree.study(study, s % 2 == 0 ? Completion.MARKER_WITH_COUNT : Completion.MARKER_AT_END,
                    UploadTree.series(study + ".1", 3 + sizes.nextInt(10), Completion.MARKER_WITH_COUNT),
                    UploadTree.series(study + ".2", 1 + sizes.nextInt(6), Completion.EXPECTED_COUNT),
                    UploadTree.series(study + ".3", 2 + sizes.nextInt(8), Completion.MARKER_AT_END));
        }
        events = tree.events(new Random(11), 0.25, Instant.now());
        expected = tree.expectedJobs("inst-" + it.run, "series-" + it.run, "study-" + it.run);
    }

    @Test
    void shouldLoseAndDuplicateNoJobWhenStoppedMidStreamAndRestartedWithoutItsLocalState() throws Exception {
        prepare();
        try (KafkaProducer<byte[], byte[]> producer = it.uploadProducer(null);
             TopicReader<String, InferenceJob> jobs = it.jobsReader()) {
            List<ConsumerRecord<String, InferenceJob>> read = new ArrayList<>();
            CompletableFuture<Void> rest;
            try (AutorunTriggerService first = new AutorunTriggerService(it.config(stateA, Map.of()), it.topics)) {
                first.start();
                int split = events.size() * 2 / 5;
                produce(producer, events.subList(0, split));
                read.addAll(jobs.readUntil(r -> !r.isEmpty(), Duration.ofSeconds(60)));
                assertThat(read).as("the first instance emitted jobs before it stopped").isNotEmpty();
                // Uploads keep coming while the trigger stops.
                rest = CompletableFuture.runAsync(() -> produce(producer, events.subList(split, events.size())));
            }
            // A new machine: no local state, everything restored from the changelogs.
            try (AutorunTriggerService second = new AutorunTriggerService(it.config(stateB, Map.of()), it.topics)) {
                second.start();
                rest.get(60, TimeUnit.SECONDS);
                read.addAll(jobs.readAtLeast(expected.size() - read.size(), Duration.ofSeconds(90), Duration.ofSeconds(3)));
            }
            assertExactlyTheExpectedJobs(read);
        }
    }

    @Test
    void shouldLoseAndDuplicateNoJobWhenKilledMidStream() throws Exception {
        prepare();
        try (KafkaProducer<byte[], byte[]> producer = it.uploadProducer(null);
             TopicReader<String, InferenceJob> jobs = it.jobsReader()) {
            List<ConsumerRecord<String, InferenceJob>> read = new ArrayList<>();
            Process child = startChild(it.configValues(stateA, FAST_FAILOVER));
            CompletableFuture<Void> rest;
            try {
                int split = events.size() * 2 / 5;
                produce(producer, events.subList(0, split));
                read.addAll(jobs.readUntil(r -> !r.isEmpty(), Duration.ofSeconds(60)));
                assertThat(read).as("the child emitted jobs before it was killed").isNotEmpty();
                rest = CompletableFuture.runAsync(() -> produce(producer, events.subList(split, events.size())));
            } finally {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
            try (AutorunTriggerService second = new AutorunTriggerService(it.config(stateA, FAST_FAILOVER), it.topics)) {
                second.start();
                rest.get(60, TimeUnit.SECONDS);
                read.addAll(jobs.readAtLeast(expected.size() - read.size(), Duration.ofSeconds(120), Duration.ofSeconds(3)));
            }
            assertExactlyTheExpectedJobs(read);
        }
    }

    private void assertExactlyTheExpectedJobs(List<ConsumerRecord<String, InferenceJob>> read) {
        assertThat(read).extracting(ConsumerRecord::key).as("job ids").doesNotHaveDuplicates();
        assertThat(read).extracting(r -> ExpectedJob.summary(r.value()))
                .containsExactlyInAnyOrderElementsOf(expected.stream().map(ExpectedJob::summary).toList());
    }

    /** Sends in small acknowledged batches, so a stop lands between batches of a live stream. */
    private void produce(KafkaProducer<byte[], byte[]> producer, List<DatasetUploadEvent> batch) {
        for (int i = 0; i < batch.size(); i++) {
            producer.send(it.record(batch.get(i)));
            if (i % 10 == 9) {
                producer.flush();
            }
        }
        producer.flush();
    }

    private Process startChild(Map<String, String> config) throws IOException, InterruptedException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-cp", classpath, TriggerChild.class.getName(), it.run));
        config.forEach((k, v) -> command.add(k + "=" + v));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new CopyOnWriteArrayList<>();
        CompletableFuture<Boolean> running = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                    if (line.equals("RUNNING")) {
                        running.complete(true);
                    }
                }
            } catch (IOException ignored) {
                // the child ended
            }
            running.complete(false);
        }, "trigger-child-output");
        pump.setDaemon(true);
        pump.start();
        boolean started;
        try {
            started = running.get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            started = false;
        }
        if (!started) {
            process.destroyForcibly();
            throw new AssertionError("trigger child did not start:\n" + String.join("\n", output));
        }
        return process;
    }
}
