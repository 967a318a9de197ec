package io.radflow.trigger;

import static io.radflow.testsupport.Events.instance;
import static io.radflow.testsupport.Events.model;
import static io.radflow.trigger.TriggerTestDriver.START;
import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.DeadLetterHeaders;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.Events;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every kind of bad upload lands on the dead-letter topic byte for byte, with reason headers; the trigger keeps going. */
class DeadLetterTopologyTest extends TriggerTopologyTest {

    static final String STUDY = "1.2.840.7";

    @BeforeEach
    void registerAnInstanceModel() {
        t.model(model("m-inst", P, Scope.INSTANCE, BEFORE));
    }

    private DatasetUploadEvent valid(String sop) {
        return instance(P, STUDY, STUDY + ".1", sop, 1, START);
    }

    private byte[] bytes(DatasetUploadEvent e) {
        return t.serdes.valueSerializer(t.topics.uploads()).serialize(t.topics.uploads().name(), e);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldDeadLetterUndecodableRecordsWithTheDecodersReason() {
        byte[] truncated = Arrays.copyOf(bytes(valid("1.9")), 12);
        pipe(utf8(STUDY), utf8("{\"not\": \"avro\"}"));
        pipe(utf8(STUDY), new byte[] {0, 0, 0, 0, 99, 2, 4});
        pipe(utf8(STUDY), truncated);

        List<TestRecord<byte[], byte[]>> dead = t.deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON))
                .containsExactly("NOT_CONFLUENT_FRAMED", "SCHEMA_NOT_FOUND", "UNDECODABLE_RECORD");
        assertThat(dead.get(0).value()).isEqualTo(utf8("{\"not\": \"avro\"}"));
        assertThat(dead.get(2).value()).isEqualTo(truncated);
        assertThat(dead).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(utf8(STUDY));
            assertThat(header(r, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("dataset-uploads");
            assertThat(header(r, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
            assertThat(header(r, DeadLetterHeaders.EXCEPTION_CLASS)).endsWith("AvroSerdeException");
            assertThat(header(r, DeadLetterHeaders.EXCEPTION_STACKTRACE)).contains("AvroDeserializer");
            assertThat(header(r, DeadLetterHeaders.MESSAGE)).contains("dataset-uploads");
        });
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.SOURCE_OFFSET)).containsExactly("0", "1", "2");
        assertThat(t.readJobs()).isEmpty();
    }

    @Test
    void shouldDeadLetterEventsThatCannotDriveAutoRun() {
        DatasetUploadEvent noSop = valid("1.9");
        ((DataUploaded) noSop.getPayload()).setSopInstanceUid(" ");
        DatasetUploadEvent otherProject = instance("no-such-project", STUDY, STUDY + ".1", "1.8", 1, START);
        DatasetUploadEvent seriesMarkerWithoutSeries = Events.seriesMarker(P, STUDY, null, 2, START);
        DatasetUploadEvent spaceInUid = instance(P, STUDY, STUDY + ".1 x", "1.7", 1, START);

        pipe(utf8(STUDY), bytes(noSop));
        pipe(utf8("1.2.999"), bytes(valid("1.6")));
        pipe(utf8(STUDY), bytes(otherProject));
        pipe(utf8(STUDY), bytes(seriesMarkerWithoutSeries));
        pipe(utf8(STUDY), bytes(spaceInUid));
        pipe(utf8(STUDY), null);
        pipe(null, bytes(valid("1.5")));

        List<TestRecord<byte[], byte[]>> dead = t.deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactly(
                "MISSING_FIELD", "MALFORMED_EVENT", "UNKNOWN_PROJECT", "MISSING_FIELD", "MALFORMED_EVENT", "MALFORMED_EVENT",
                "MISSING_FIELD");
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.MESSAGE)).satisfiesExactly(
                m -> assertThat(m).contains("sopInstanceUid is missing"),
                m -> assertThat(m).contains("keyed by study UID"),
                m -> assertThat(m).contains("no-such-project"),
                m -> assertThat(m).contains("SERIES completion marker"),
                m -> assertThat(m).contains("spaces"),
                m -> assertThat(m).contains("tombstone"),
                m -> assertThat(m).contains("no key"));
        assertThat(dead.get(1).key()).isEqualTo(utf8("1.2.999"));
        assertThat(dead.get(1).value()).isEqualTo(bytes(valid("1.6")));
        assertThat(dead.get(0).headers().lastHeader("trace-id").value()).isEqualTo(utf8("abc"));
        assertThat(t.counter(TriggerMetrics.DEAD_LETTERED, "reason", "missing_field")).isEqualTo(3);
        assertThat(t.readJobs()).isEmpty();
    }

    @Test
    void shouldKeepRunningAfterBadRecords() {
        pipe(utf8(STUDY), utf8("garbage"));
        t.upload(valid("1.1"));
        pipe(utf8(STUDY), new byte[0]);
        t.upload(valid("1.2"));

        assertThat(t.readJobs()).extracting(j -> j.getScopeUid()).containsExactly("1.1", "1.2");
        assertThat(t.deadLetters.readRecordsToList()).hasSize(2);
    }

    @Test
    void shouldJudgeAReplayedUploadByTheModelsOnAutoRunWhenItWasReplayed() {
        DatasetUploadEvent early = instance("late-project", STUDY, STUDY + ".1", "1.4", 1, START);
        pipe(utf8(STUDY), bytes(early));
        TestRecord<byte[], byte[]> dead = t.deadLetters.readRecordsToList().get(0);
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("UNKNOWN_PROJECT");
        // The project is created, with a model on auto-run from +10 min: after the upload was published.
        t.project("late-project");
        t.model(Events.model("m-late", "late-project", Scope.INSTANCE, at(600)));

        t.rawUploads.pipeInput(new TestRecord<>(dead.key(), dead.value(), new RecordHeaders(), at(700)));
        assertThat(t.readJobs()).as("sent again as it was, it is judged by its publishedAt: no model was on then").isEmpty();
        RecordHeaders replayed = new RecordHeaders();
        replayed.add(DeadLetterHeaders.REPLAY_OF, utf8("dataset-uploads-dlq/0/0"));
        t.rawUploads.pipeInput(new TestRecord<>(dead.key(), bytes(instance("late-project", STUDY, STUDY + ".1", "1.3", 1, START)),
                replayed, at(701)));

        assertThat(t.readJobs()).as("replayed, it counts as arriving at the replay, when m-late was on auto-run")
                .extracting(j -> j.getModelId() + " " + j.getScopeUid()).containsExactly("m-late 1.3");
    }

    private void pipe(byte[] key, byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace-id", utf8("abc"));
        t.rawUploads.pipeInput(new TestRecord<>(key, value, headers, START));
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
