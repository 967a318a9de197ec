package io.radflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobFailure;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prediction larger than the producer may send (a 128x128 mask against a 16,000-byte
 * max.request.size, as a 1024x1024 mask against Kafka's default of 1 MiB): the job fails with
 * OUTPUT_TOO_LARGE on the real broker, and the worker goes on committing the jobs after it.
 */
class WorkerOversizedOutputIT {

    private static final Duration WAIT = Duration.ofMinutes(1);

    @TempDir
    static Path dir;

    private static WorkerFixture fx;
    private static InferenceWorker worker;
    private static String classifier;
    private static Path ctFile;
    private static ContentRef ct;

    @BeforeAll
    static void start() throws Exception {
        fx = new WorkerFixture(dir);
        String group = "worker-oversized-" + fx.run;
        fx.startGroupAtEnd(group);
        worker = InferenceWorker.builder(fx.config(group, group, Map.of("kafka.client.max.request.size", "16000")))
                .runtime(new ScriptedRuntime()).build();
        worker.start();
        classifier = fx.registerModel("classifier", fx.version(1, RuntimeKind.ONNX, fx.artifact(TestModels.model("classifier.onnx", dir)),
                TestModels.classifierLabels(), TestModels.args("classifier"), 1, 0));
        ctFile = TestModels.dicom("CT_small.dcm");
        ct = fx.store(ctFile);
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        fx.close();
    }

    @Test
    void shouldFailTheJobWhosePredictionIsTooLargeAndCommitTheNextOne() throws Exception {
        LabelClass mask = LabelClass.newBuilder().setClassIndex(0).setLabelId("L_mask").setName("Mask").setType(LabelType.LOCAL)
                .setScope(Scope.INSTANCE).setAnnotationMode(AnnotationMode.MASK).build();
        Path script = Files.writeString(dir.resolve("full-mask.json"),
                "{\"outputs\": [{\"class_index\": 0, \"mask\": {\"rows\": 128, \"columns\": 128}}]}");
        String masks = fx.registerModel("full-mask", fx.version(1, RuntimeKind.MDAI_PYTHON, fx.artifact(script), List.of(mask), Map.of(), 1, 0));
        InferenceJob tooLarge = fx.job(masks, 1, ct, ctFile);

        JobFailure f = fx.deadLetterThenNextSucceeds(tooLarge, fx.job(classifier, 1, ct, ctFile), 1, WAIT).deadLetter();

        assertThat(f.getReason()).isEqualTo(Reason.OUTPUT_TOO_LARGE.name());
        assertThat(f.getMessage()).contains("the predictions record would take about")
                .contains("more than the largest the worker may publish (16,000 bytes, kafka.client.max.request.size)");
        assertThat(f.getJob()).as("a small dead letter keeps the job for replay").isEqualTo(tooLarge);
        assertThat(worker.healthy()).isTrue();
    }

    @Test
    void shouldLeaveTheJobOutOfADeadLetterThatWouldBeTooLarge() throws Exception {
        InferenceJob one = fx.job(classifier, 7, ct, ctFile);
        JobInstance instance = one.getInstances().get(0);
        // A job no worker can run (no version 7), listing enough instances that its copy would not fit a dead letter.
        InferenceJob large = InferenceJob.newBuilder(one).setScope(Scope.SERIES).setScopeUid(instance.getSeriesInstanceUid())
                .setInstances(IntStream.range(0, 300)
                        .mapToObj(i -> JobInstance.newBuilder(instance).setSopInstanceUid(instance.getSopInstanceUid() + "." + i).build())
                        .toList())
                .build();

        JobFailure f = fx.deadLetterThenNextSucceeds(large, fx.job(classifier, 1, ct, ctFile), 1, WAIT).deadLetter();

        assertThat(f.getReason()).isEqualTo(Reason.UNKNOWN_MODEL.name());
        assertThat(f.getMessage()).contains("has no version 7").contains("this dead letter leaves out the job and the stack trace");
        assertThat(f.getJob()).isNull();
        assertThat(f.getSourceOffset()).as("where to find the job instead").isNotNegative();
        assertThat(worker.healthy()).isTrue();
    }
}
