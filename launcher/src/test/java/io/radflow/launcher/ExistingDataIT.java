package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.demo.RegistryApi;
import io.radflow.ingestion.IngestionKafka;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobFailure;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.testsupport.TopicReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data already there, as an operator works with it: {@code ./radflow dev}, {@code ./radflow
 * upload}, {@code ./radflow dlq replay} and {@code ./radflow runs} as separate processes. First,
 * dead letters replayed once their cause is fixed. Jobs of a model
 * whose artifact was damaged in the store fail as MODEL_LOAD_FAILED, succeed once the file is
 * restored and they are replayed; uploads for a project that did not exist yet are processed (and
 * run by the model that project has by then) once it exists. A second replay changes nothing.
 * Then a run of the model over the same study, followed to its end, and a run that selects an
 * unknown study, refused.
 */
class ExistingDataIT {

    @TempDir
    Path work;

    @Test
    void shouldRunDeadLetteredJobsAndUploadsOnceTheirCauseIsFixedAndOnlyOnce() throws Exception {
        MixedStudy study = MixedStudy.generate(work.resolve("study"));
        Set<String> images = study.images();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String project = "replay-" + run;
        String lateProject = "late-" + run;
        try (LauncherProcess dev = LauncherProcess.start(work, "dev")) {
            DevSession session = DevSession.await(dev);
            TopicSerdes serdes = IngestionKafka.serdes(session.config());
            RegistryApi registry = new RegistryApi(URI.create(session.rest()), session.adminKey());
            registry.createProject(project, "dead letters replayed");
            byte[] onnx = DevSession.resource(DevSession.BRIGHTNESS_ONNX);
            String model = registry.createModel(project, "classifier", "onnx", "onnx", DevSession.autoRun());
            registry.addVersion(project, "classifier", DevSession.version("instance", DevSession.brightnessLabels(),
                    Map.of("output.activation", "softmax")), "brightness.onnx", onnx);
            Path artifact = storedCopyOf(onnx);
            Files.write(artifact, Arrays.copyOf(onnx, onnx.length / 2)); // the store's file is damaged
            Thread.sleep(5_000); // auto-run reaches the trigger asynchronously

            upload(project, study);
            upload(lateProject, study);
            List<JobFailure> failures = readUntil(session, serdes, TopicCatalog.INFERENCE_JOBS_DLQ.name(),
                    r -> r.value() instanceof JobFailure f && model.equals(f.getModelId()), images.size());
            assertThat(failures).extracting(JobFailure::getReason).containsOnly("MODEL_LOAD_FAILED");

            Files.write(artifact, onnx); // the cause is fixed
            registry.createProject(lateProject, "created after its uploads");
            String lateModel = registry.createModel(lateProject, "classifier", "onnx", "onnx", DevSession.autoRun());
            registry.addVersion(lateProject, "classifier", DevSession.version("instance", DevSession.brightnessLabels(),
                    Map.of("output.activation", "softmax")), "brightness.onnx", onnx);
            Thread.sleep(5_000);

            List<String> jobReplay = replay(work, "--topic", "inference-jobs-dlq", "--reason", "MODEL_LOAD_FAILED");
            assertThat(jobReplay.stream().filter(l -> l.startsWith("replayed\t")).count()).isEqualTo(images.size());
            List<String> uploadReplay = replay(work, "--topic", "dataset-uploads-dlq", "--reason", "UNKNOWN_PROJECT");
            assertThat(uploadReplay.stream().filter(l -> l.startsWith("replayed\t")).count())
                    .as("every instance and completion marker of the late project's upload").isGreaterThanOrEqualTo(images.size());

            Map<String, JobState> replayed = finalStates(session, serdes, model, images.size());
            assertThat(replayed.values()).as("the replayed jobs succeed on the restored artifact").containsOnly(JobState.SUCCEEDED);
            assertThat(replayed.keySet()).containsExactlyInAnyOrderElementsOf(failures.stream().map(JobFailure::getJobId).toList());
            assertThat(finalStates(session, serdes, lateModel, images.size()).values())
                    .as("the late project's uploads run on the model it has by the time they are replayed").containsOnly(JobState.SUCCEEDED);

            List<String> again = replay(work, "--topic", "inference-jobs-dlq");
            assertThat(again).noneMatch(l -> l.startsWith("replayed\t"));
            assertThat(again.stream().filter(l -> l.startsWith("already_replayed\t")).count()).isGreaterThanOrEqualTo(images.size());
            assertThat(replay(work, "--topic", "dataset-uploads-dlq")).noneMatch(l -> l.startsWith("replayed\t"));
            Thread.sleep(3_000);
            List<InferenceJob> jobs = readUntil(session, serdes, TopicCatalog.INFERENCE_JOBS.name(),
                    r -> r.value() instanceof InferenceJob j && model.equals(j.getModelId()), 2 * images.size());
            assertThat(jobs).as("each job: once from the trigger, once from the first replay").hasSize(2 * images.size());

            List<String> created = radflow(work, 0, "runs", "create", "classifier", "--project", project, "--wait");
            assertThat(created.get(0)).startsWith("run ").contains(images.size() + " jobs over " + images.size() + " instances");
            String runId = created.get(0).split("[ :]")[1];
            assertThat(created).contains("state: SUCCEEDED", "succeeded: " + images.size(), "failed: 0");
            assertThat(radflow(work, 0, "runs", "list", "classifier", "--project", project)).anyMatch(l -> l.startsWith(runId + "\tSUCCEEDED"));
            assertThat(radflow(work, 0, "runs", "show", runId)).contains("runId: " + runId, "expected: " + images.size());
            try (LauncherProcess refused = LauncherProcess.start(work, "runs", "create", "classifier", "--project", project,
                    "--study", "1.2.3.999")) {
                assertThat(refused.waitFor(Duration.ofMinutes(1))).isEqualTo(1);
                assertThat(String.join("\n", refused.stderr())).contains("holds no study 1.2.3.999");
            }
            assertThat(dev.terminate(Duration.ofSeconds(60))).isEqualTo(143);
        }
    }

    private void upload(String project, MixedStudy study) throws Exception {
        try (LauncherProcess upload = LauncherProcess.start(work, "upload", "--project", project, "--dataset", "d", "--no-progress",
                study.dir().toString())) {
            assertThat(upload.waitFor(Duration.ofMinutes(3))).as(String.join("\n", upload.stderr())).isZero();
        }
    }

    /** {@code ./radflow dlq replay ARGS} against the dev stack of this home; its stdout. */
    private static List<String> replay(Path home, String... args) throws Exception {
        return radflow(home, 0, Stream.concat(Stream.of("dlq", "replay"), Arrays.stream(args)).toArray(String[]::new));
    }

    /** {@code ./radflow ARGS} against the dev stack of this home, which must exit with {@code exitCode}; its stdout. */
    private static List<String> radflow(Path home, int exitCode, String... args) throws Exception {
        try (LauncherProcess command = LauncherProcess.start(home, args)) {
            assertThat(command.waitFor(Duration.ofMinutes(3))).as(String.join("\n", command.stderr())).isEqualTo(exitCode);
            return command.stdout();
        }
    }

    /** The artifact store's copy of these bytes (content-addressed, under .radflow/artifacts). */
    private Path storedCopyOf(byte[] bytes) throws Exception {
        try (Stream<Path> files = Files.walk(work.resolve(".radflow").resolve("artifacts"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (Files.size(f) == bytes.length && Arrays.equals(Files.readAllBytes(f), bytes)) {
                    return f;
                }
            }
        }
        throw new AssertionError("the artifact is not in the store under " + work);
    }

    /** The latest final state of each job of {@code modelId}, once {@code count} jobs have one. */
    private static Map<String, JobState> finalStates(DevSession session, TopicSerdes serdes, String modelId, int count) {
        Map<String, JobState> states = new HashMap<>();
        try (TopicReader<String, JobStatus> statuses = new TopicReader<>(session.bootstrap(), TopicCatalog.JOB_STATUS.name(),
                new StringDeserializer(), serdes.valueDeserializer(TopicCatalog.JOB_STATUS))) {
            statuses.readUntil(records -> {
                states.clear();
                for (ConsumerRecord<String, JobStatus> r : records) {
                    if (modelId.equals(r.value().getModelId())) {
                        states.put(r.key(), r.value().getState());
                    }
                }
                return states.size() >= count && states.values().stream().allMatch(s -> s == JobState.SUCCEEDED);
            }, Duration.ofMinutes(3));
        }
        return states;
    }

    @SuppressWarnings("unchecked")
    private static <V> List<V> readUntil(DevSession session, TopicSerdes serdes, String topic,
                                         java.util.function.Predicate<ConsumerRecord<String, Object>> mine, int count) {
        var deserializer = serdes.valueDeserializer(TopicCatalog.byName(topic).orElseThrow());
        try (TopicReader<String, Object> reader = new TopicReader<>(session.bootstrap(), topic, new StringDeserializer(),
                (org.apache.kafka.common.serialization.Deserializer<Object>) deserializer)) {
            List<ConsumerRecord<String, Object>> records = new java.util.ArrayList<>(
                    reader.readUntil(rs -> rs.stream().filter(mine).count() >= count, Duration.ofMinutes(3)));
            records.addAll(reader.readUntil(rs -> false, Duration.ofSeconds(2))); // and any more behind them
            return records.stream().filter(mine).map(r -> (V) r.value()).collect(Collectors.toList());
        }
    }
}
