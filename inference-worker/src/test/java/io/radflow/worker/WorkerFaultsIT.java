package io.radflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.common.error.Reason;
import io.radflow.content.FileContentStore;
import io.radflow.schemas.DeadLetterHeaders;
import io.radflow.schemas.TopicCatalog;
import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.Artifact;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobFailure;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad jobs on the real broker: each ends on {@code inference-jobs-dlq} with the right reason,
 * message, attempts and source coordinates, and a good job submitted after it still succeeds.
 */
class WorkerFaultsIT {

    private static final Duration WAIT = Duration.ofMinutes(1);

    @TempDir
    static Path dir;

    private static WorkerFixture fx;
    private static InferenceWorker worker;
    private static FlakyContentReader content;
    private static String good;
    private static ContentRef ctSmall;
    private static Path ctSmallFile;

    @BeforeAll
    static void start() throws Exception {
        fx = new WorkerFixture(dir);
        String group = "worker-faults-" + fx.run;
        fx.startGroupAtEnd(group);
        content = new FlakyContentReader(new FileContentStore(fx.contentDir));
        worker = InferenceWorker.builder(fx.config(group, group, Map.of(
                        WorkerConfig.RETRY_MAX_ATTEMPTS.name(), "3",
                        WorkerConfig.RETRY_INITIAL_BACKOFF.name(), "100ms",
                        WorkerConfig.RETRY_MAX_BACKOFF.name(), "300ms",
                        WorkerConfig.SETTINGS_TIMEOUT.name(), "5s")))
                .contentReader(content).runtime(new ScriptedRuntime()).build();
        worker.start();
        good = fx.registerModel("good", fx.version(1, RuntimeKind.ONNX, fx.artifact(TestModels.model("segmenter.onnx", dir)),
                TestModels.segmenterLabels(), TestModels.args("segmenter"), 4, 300));
        ctSmallFile = TestModels.dicom("CT_small.dcm");
        ctSmall = fx.store(ctSmallFile);
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        fx.close();
    }

    /** Submits the bad job and then a good one; returns the bad job's dead letter after checking the good one succeeded. */
    private JobFailure deadLetterThenNextSucceeds(InferenceJob bad, Reason reason, String messagePart) throws Exception {
        int expected = ExpectedOutputs.of("segmenter", "CT_small.dcm").size();
        WorkerFixture.DeadLetterAndNext seen = fx.deadLetterThenNextSucceeds(bad, fx.job(good, 1, ctSmall, ctSmallFile), expected, WAIT);
        JobFailure f = seen.deadLetter();
        assertThat(f.getReason()).isEqualTo(reason.name());
        assertThat(f.getRetriable()).isEqualTo(reason.retriable());
        assertThat(f.getMessage()).contains(messagePart);
        assertThat(f.getJob()).isEqualTo(bad);
        assertThat(f.getModelId()).isEqualTo(bad.getModelId());
        assertThat(f.getModelVersion()).isEqualTo(bad.getModelVersion());
        assertThat(f.getSourceTopic()).isEqualTo(TopicCatalog.INFERENCE_JOBS.name());
        assertThat(f.getSourceOffset()).isNotNegative();
        assertThat(f.getWorkerId()).isEqualTo(worker.workerId());
        assertThat(seen.nextPredictions()).hasSize(expected);
        assertThat(worker.healthy()).isTrue();
        return f;
    }

    @Test
    void shouldDeadLetterAModelThatErrors() throws Exception {
        String failing = fx.registerModel("failing", fx.version(1, RuntimeKind.ONNX, fx.artifact(TestModels.model("failing.onnx", dir)),
                TestModels.classifierLabels(), Map.of(), 1, 0));
        JobFailure f = deadLetterThenNextSucceeds(fx.job(failing, 1, ctSmall, ctSmallFile), Reason.MODEL_ERROR, "Reshape");
        assertThat(f.getAttempts()).isEqualTo(1);
        assertThat(f.getExceptionClass()).isNotBlank();
    }

    @Test
    void shouldDeadLetterAClassIndexOutOfRange() throws Exception {
        String threeClasses = fx.registerModel("three-classes", fx.version(1, RuntimeKind.ONNX,
                fx.artifact(TestModels.model("classifier-3class.onnx", dir)), TestModels.classifierLabels(), Map.of(), 1, 0));
        deadLetterThenNextSucceeds(fx.job(threeClasses, 1, ctSmall, ctSmallFile), Reason.INVALID_OUTPUT,
                "class index 2, which is not among the version's label classes [0, 1]");
    }

    private String scriptedModel(String name, String script) throws Exception {
        Path file = Files.writeString(dir.resolve(name + ".json"), script);
        LabelClass mask = LabelClass.newBuilder().setClassIndex(0).setLabelId("L_mask").setName("Mask").setType(LabelType.LOCAL)
                .setScope(Scope.INSTANCE).setAnnotationMode(AnnotationMode.MASK).build();
        return fx.registerModel(name, fx.version(1, RuntimeKind.MDAI_PYTHON, fx.artifact(file), List.of(mask), Map.of(), 1, 0));
    }

    @Test
    void shouldDeadLetterAnOutputWithoutTheInstanceUidItsLabelNeeds() throws Exception {
        String m = scriptedModel("no-instance", "{\"outputs\": [{\"class_index\": 0, \"instance_uid\": \"omit\", "
                + "\"mask\": {\"rows\": 128, \"columns\": 128}}]}");
        deadLetterThenNextSucceeds(fx.job(m, 1, ctSmall, ctSmallFile), Reason.INVALID_OUTPUT,
                "label L_mask (class index 0) has scope INSTANCE and needs an instance UID, which is missing");
    }

    @Test
    void shouldDeadLetterAMaskOfTheWrongSize() throws Exception {
        String m = scriptedModel("small-mask", "{\"outputs\": [{\"class_index\": 0, \"mask\": {\"rows\": 10, \"columns\": 10}}]}");
        deadLetterThenNextSucceeds(fx.job(m, 1, ctSmall, ctSmallFile), Reason.INVALID_OUTPUT,
                "mask is 10x10 but the frame is 128x128");
    }

    @Test
    void shouldDeadLetterAnUnreadableDicom() throws Exception {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        InferenceJob bad = fx.job(good, 1, fx.store(noise), "1.2.3", "1.2.3.4", "1.2.3.4.5");
        deadLetterThenNextSucceeds(bad, Reason.UNREADABLE_DICOM, "not a DICOM file");
    }

    @Test
    void shouldDeadLetterATruncatedDicom() throws Exception {
        Path truncated = TestModels.DICOM_DIR.resolve("MR_truncated.dcm");
        deadLetterThenNextSucceeds(fx.job(good, 1, fx.store(truncated), truncated), Reason.UNREADABLE_DICOM, "truncated");
    }

    @Test
    void shouldDeadLetterAMissingContentUri() throws Exception {
        ContentRef missing = ContentRef.newBuilder().setUri(fx.contentDir.resolve("sha256/00/00/" + "0".repeat(64)).toUri().toString())
                .setSizeBytes(-1).build();
        deadLetterThenNextSucceeds(fx.job(good, 1, missing, ctSmallFile), Reason.CONTENT_NOT_FOUND, "no content at");
    }

    @Test
    void shouldDeadLetterContentThatDoesNotMatchItsChecksum() throws Exception {
        ContentRef wrong = ContentRef.newBuilder(ctSmall).setSha256("ab".repeat(32)).build();
        deadLetterThenNextSucceeds(fx.job(good, 1, wrong, ctSmallFile), Reason.CONTENT_CORRUPT, "the event says abab");
    }

    @Test
    void shouldDeadLetterAnArtifactWithTheWrongChecksum() throws Exception {
        Artifact real = fx.artifact(TestModels.model("segmenter.onnx", dir));
        Artifact tampered = Artifact.newBuilder(real).setSha256("cd".repeat(32)).build();
        String m = fx.registerModel("tampered", fx.version(1, RuntimeKind.ONNX, tampered, TestModels.segmenterLabels(), Map.of(), 1, 0));
        deadLetterThenNextSucceeds(fx.job(m, 1, ctSmall, ctSmallFile), Reason.MODEL_LOAD_FAILED, "the version says cdcd");
    }

    @Test
    void shouldDeadLetterAJobForAnUnknownVersion() throws Exception {
        deadLetterThenNextSucceeds(fx.job(good, 7, ctSmall, ctSmallFile), Reason.UNKNOWN_MODEL, "has no version 7 (versions [1])");
    }

    @Test
    void shouldDeadLetterARecordThatIsNotAJobWithItsCoordinates() throws Exception {
        String key = fx.run + "-garbage";
        fx.submitRaw(key, "not avro".getBytes(StandardCharsets.UTF_8));
        InferenceJob next = fx.job(good, 1, ctSmall, ctSmallFile);
        fx.submit(next);
        try (TopicReader<String, JobFailure> reader = fx.reader(TopicCatalog.INFERENCE_JOBS_DLQ)) {
            List<ConsumerRecord<String, JobFailure>> records = reader.readUntil(
                    rs -> rs.stream().anyMatch(r -> key.equals(r.key())), WAIT);
            ConsumerRecord<String, JobFailure> r = records.stream().filter(x -> key.equals(x.key())).findFirst().orElseThrow();
            assertThat(r.value().getJob()).isNull();
            assertThat(r.value().getReason()).isIn(Reason.NOT_CONFLUENT_FRAMED.name(), Reason.UNDECODABLE_RECORD.name());
            assertThat(header(r, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(TopicCatalog.INFERENCE_JOBS.name());
            assertThat(header(r, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo(Integer.toString(r.value().getSourcePartition()));
            assertThat(header(r, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo(Long.toString(r.value().getSourceOffset()));
            assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo(r.value().getReason());
            assertThat(header(r, DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
            assertThat(header(r, DeadLetterHeaders.EXCEPTION_CLASS)).isNotBlank();
        }
        assertThat(WorkerFixture.finalStates(fx.statuses(Set.of(next.getJobId()), s -> !WorkerFixture.finalStates(s).isEmpty(), WAIT))
                .get(next.getJobId()).getState()).isEqualTo(JobState.SUCCEEDED);
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldRetryARetriableFailureAndSucceed() throws Exception {
        ContentRef ref = fx.store(TestModels.dicom("MR_small.dcm"));
        content.failFirst(ref.getUri(), 2);
        InferenceJob job = fx.job(good, 1, ref, TestModels.dicom("MR_small.dcm"));
        fx.submit(job);
        List<JobStatus> statuses = fx.statuses(Set.of(job.getJobId()), s -> !WorkerFixture.finalStates(s).isEmpty(), WAIT);
        JobStatus last = WorkerFixture.finalStates(statuses).get(job.getJobId());
        assertThat(last.getState()).isEqualTo(JobState.SUCCEEDED);
        assertThat(last.getAttempts()).isEqualTo(3);
        assertThat(statuses).filteredOn(s -> s.getState() == JobState.RETRYING).extracting(JobStatus::getReason)
                .containsOnly(Reason.CONTENT_FETCH_TIMEOUT.name());
        assertThat(content.reads(ref.getUri())).isEqualTo(3);
        assertThat(fx.failures(Set.of(job.getJobId()), f -> false, Duration.ofMillis(500))).isEmpty();
    }

    @Test
    void shouldDeadLetterARetriableFailureAfterTheLastAttempt() throws Exception {
        Path mr = TestModels.DICOM_DIR.resolve("MR_small_implicit.dcm");
        ContentRef ref = fx.store(mr);
        content.failFirst(ref.getUri(), -1);
        JobFailure f = deadLetterThenNextSucceeds(fx.job(good, 1, ref, mr), Reason.CONTENT_FETCH_TIMEOUT, "timed out fetching");
        assertThat(f.getAttempts()).isEqualTo(3);
        assertThat(f.getRetriable()).isTrue();
    }

    @Test
    void shouldFailOnlyTheBadJobOfABatch() throws Exception {
        String batched = fx.registerModel("batched", fx.version(1, RuntimeKind.ONNX, fx.artifact(TestModels.model("segmenter.onnx", dir)),
                TestModels.segmenterLabels(), TestModels.args("segmenter"), 3, 2_000));
        byte[] noise = "definitely not DICOM".repeat(10).getBytes(StandardCharsets.UTF_8);
        InferenceJob a = fx.job(batched, 1, ctSmall, ctSmallFile);
        InferenceJob bad = fx.job(batched, 1, fx.store(noise), "1.2.3", "1.2.3.4", "1.2.3.4.6");
        InferenceJob b = fx.job(batched, 1, ctSmall, ctSmallFile);
        fx.submit(a, bad, b);
        Set<String> ids = new HashSet<>(WorkerFixture.ids(a, bad, b));
        Map<String, JobStatus> finals = WorkerFixture.finalStates(fx.statuses(ids, s -> WorkerFixture.finalStates(s).size() == 3, WAIT));
        assertThat(finals.get(a.getJobId()).getState()).isEqualTo(JobState.SUCCEEDED);
        assertThat(finals.get(b.getJobId()).getState()).isEqualTo(JobState.SUCCEEDED);
        assertThat(finals.get(bad.getJobId()).getState()).isEqualTo(JobState.FAILED);
        assertThat(finals.get(bad.getJobId()).getReason()).isEqualTo(Reason.UNREADABLE_DICOM.name());
    }
}
