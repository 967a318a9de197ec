package io.radflow.trigger;

import static io.radflow.testsupport.Events.describe;
import static io.radflow.testsupport.Events.instance;
import static io.radflow.testsupport.Events.model;
import static io.radflow.testsupport.Events.routed;
import static io.radflow.testsupport.Events.seriesMarker;
import static io.radflow.testsupport.Events.studyMarker;
import static io.radflow.trigger.TriggerTestDriver.START;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.radflow.dicom.SopClasses;
import io.radflow.schemaregistry.serde.ConfluentWireFormat;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.JobTrigger;
import io.radflow.schemas.avro.RoutingRules;
import io.radflow.schemas.avro.Scope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * What a version takes: objects without pixels never, and only the images its routing rules accept,
 * in instance jobs and in series and study jobs alike; what it leaves out still completes groups.
 */
class RoutingTopologyTest extends TriggerTopologyTest {

    static final String STUDY = "1.2.840.9";
    static final String CT_SERIES = STUDY + ".1";
    static final String SR_SERIES = STUDY + ".2";
    static final String MR_SERIES = STUDY + ".3";
    static final String ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1";

    /** An image of the series, as today's publishers describe it. */
    static DatasetUploadEvent image(String series, int n, String modality) {
        return describe(instance(P, STUDY, series, series + "." + n, n, at(n)), d -> d.setModality(modality)
                .setSopClassUid("MR".equals(modality) ? SopClasses.MR_IMAGE : SopClasses.CT_IMAGE).setHasPixelData(true));
    }

    static DatasetUploadEvent ct(String series, int n) {
        return image(series, n, "CT");
    }

    /** A Structured Report: no pixel data. */
    static DatasetUploadEvent report(String series, int n) {
        return describe(instance(P, STUDY, series, series + "." + n, n, at(n)), d -> d.setModality("SR")
                .setSopClassUid(SopClasses.COMPREHENSIVE_SR).setHasPixelData(false));
    }

    static List<String> sops(InferenceJob job) {
        return job.getInstances().stream().map(JobInstance::getSopInstanceUid).toList();
    }

    static RoutingRules.Builder rules() {
        return RoutingRules.newBuilder();
    }

    double leftOut(String scope, String reason) {
        return t.counter(TriggerMetrics.INSTANCES_LEFT_OUT, "scope", scope, "reason", reason);
    }

    @Test
    void shouldGiveASeriesHoldingOnlyAReportNoSeriesJob() {
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.upload(report(SR_SERIES, 1));
        assertThat(t.gauge(TriggerMetrics.GROUPS_PENDING)).as("nothing to wait for").isZero();
        t.upload(seriesMarker(P, STUDY, SR_SERIES, 1, at(5)));
        t.advance(Duration.ofMinutes(5));

        assertThat(t.readJobs()).isEmpty();
        assertThat(leftOut("series", "not_an_image")).isEqualTo(1);
    }

    @Test
    void shouldListOnlyTheImagesOfAStudyInItsStudyJob() {
        t.model(model("m-study", P, Scope.STUDY, BEFORE));
        t.upload(ct(CT_SERIES, 1));
        t.upload(report(SR_SERIES, 1));
        t.upload(ct(CT_SERIES, 2));
        String seg = STUDY + ".4";
        t.upload(describe(instance(P, STUDY, seg, seg + ".1", 1, at(3)), d -> d.setModality("SEG")
                .setSopClassUid(SopClasses.SEGMENTATION).setHasPixelData(true)));
        String ko = STUDY + ".5";
        t.upload(describe(instance(P, STUDY, ko, ko + ".1", 1, at(4)), d -> d.setModality("KO")
                .setSopClassUid(SopClasses.KEY_OBJECT_SELECTION).setHasPixelData(false)));
        assertThat(t.readJobs()).isEmpty();

        t.upload(studyMarker(P, STUDY, 5, at(10)));

        List<InferenceJob> jobs = t.readJobs();
        assertThat(jobs).singleElement().satisfies(job -> {
            assertThat(job.getScope()).isEqualTo(Scope.STUDY);
            assertThat(job.getTrigger()).isEqualTo(JobTrigger.COMPLETION_MARKER);
            assertThat(sops(job)).containsExactly(CT_SERIES + ".1", CT_SERIES + ".2");
        });
        assertThat(leftOut("study", "not_an_image")).isEqualTo(3);
        t.advance(Duration.ofMinutes(5));
        assertThat(t.readJobs()).as("nothing left waiting").isEmpty();
    }

    @Test
    void shouldCompleteAGroupByMarkerCountWhenTheLastInstanceIsOneItLeavesOut() {
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.upload(seriesMarker(P, STUDY, CT_SERIES, 3, at(0)));
        t.upload(ct(CT_SERIES, 1));
        t.upload(ct(CT_SERIES, 2));
        assertThat(t.readJobs()).isEmpty();

        t.upload(describe(report(CT_SERIES, 3), d -> d.setModality("PR").setSopClassUid("1.2.840.10008.5.1.4.1.1.11.1")));

        InferenceJob job = single(t.readJobs());
        assertThat(job.getTrigger()).as("the left-out object counts towards the marker's 3").isEqualTo(JobTrigger.COMPLETION_MARKER);
        assertThat(sops(job)).containsExactly(CT_SERIES + ".1", CT_SERIES + ".2");
    }

    @Test
    void shouldCompleteAGroupByMarkerCountArrivingAfterTheObjectsItLeavesOut() {
        t.model(model("m-study", P, Scope.STUDY, BEFORE));
        t.upload(report(SR_SERIES, 1));
        t.upload(ct(CT_SERIES, 1));
        t.upload(report(SR_SERIES, 2));

        t.upload(studyMarker(P, STUDY, 3, at(10)));

        InferenceJob job = single(t.readJobs());
        assertThat(job.getTrigger()).isEqualTo(JobTrigger.COMPLETION_MARKER);
        assertThat(sops(job)).containsExactly(CT_SERIES + ".1");
    }

    @Test
    void shouldCompleteAGroupByExpectedCountThatIncludesALeftOutObject() {
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.upload(describe(ct(CT_SERIES, 1), d -> d.setImagesInAcquisition(3)));
        t.upload(describe(report(CT_SERIES, 2), d -> d.setImagesInAcquisition(3)));
        assertThat(t.readJobs()).isEmpty();
        t.upload(describe(ct(CT_SERIES, 3), d -> d.setImagesInAcquisition(3)));

        InferenceJob job = single(t.readJobs());
        assertThat(job.getTrigger()).isEqualTo(JobTrigger.EXPECTED_COUNT_REACHED);
        assertThat(sops(job)).containsExactly(CT_SERIES + ".1", CT_SERIES + ".3");
    }

    @Test
    void shouldNotHoldOrReviseAGroupForALateObjectItLeavesOut() {
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.upload(ct(CT_SERIES, 1));
        t.upload(seriesMarker(P, STUDY, CT_SERIES, 1, at(2)));
        InferenceJob first = single(t.readJobs());

        t.upload(report(CT_SERIES, 2));
        assertThat(t.gauge(TriggerMetrics.GROUPS_PENDING)).isZero();
        t.advance(Duration.ofMinutes(5));
        assertThat(t.readJobs()).as("no revision for an object the model will not use").isEmpty();

        t.upload(ct(CT_SERIES, 3));
        t.advance(Duration.ofSeconds(60));
        InferenceJob revision = single(t.readJobs());
        assertThat(revision.getSupersedesJobId()).isEqualTo(first.getJobId());
        assertThat(sops(revision)).containsExactly(CT_SERIES + ".1", CT_SERIES + ".3");
    }

    @Test
    void shouldNotRestartTheQuietPeriodForAnObjectNoModelTakes() {
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.upload(ct(CT_SERIES, 1));
        t.advance(Duration.ofSeconds(50));
        t.upload(report(CT_SERIES, 2));
        t.advance(Duration.ofSeconds(10));

        InferenceJob job = single(t.readJobs());
        assertThat(job.getTrigger()).isEqualTo(JobTrigger.QUIET_PERIOD);
        assertThat(sops(job)).containsExactly(CT_SERIES + ".1");
    }

    @Test
    void shouldGiveACtOnlyModelNoJobForMrInstancesNorSeriesAndStudiesWithoutCt() {
        RoutingRules ctOnly = rules().setModalities(List.of("CT")).build();
        t.model(routed(model("m-inst", P, Scope.INSTANCE, BEFORE), ctOnly));
        t.model(routed(model("m-series", P, Scope.SERIES, BEFORE), ctOnly));
        t.model(routed(model("m-study", P, Scope.STUDY, BEFORE), ctOnly));
        t.upload(image(MR_SERIES, 1, "MR"));
        t.upload(image(MR_SERIES, 2, "MR"));
        t.upload(seriesMarker(P, STUDY, MR_SERIES, 2, at(3)));
        assertThat(t.readJobs()).as("an MR-only series").isEmpty();
        t.upload(studyMarker(P, STUDY, 2, at(4)));
        t.advance(Duration.ofMinutes(5));
        assertThat(t.readJobs()).as("an MR-only study").isEmpty();

        String other = "1.2.840.10";
        t.upload(describe(instance(P, other, other + ".1", other + ".1.1", 1, at(400)), d -> d.setModality("MR")
                .setSopClassUid(SopClasses.MR_IMAGE).setHasPixelData(true)));
        t.upload(describe(instance(P, other, other + ".2", other + ".2.1", 1, at(401)), d -> d.setModality("CT")
                .setSopClassUid(SopClasses.CT_IMAGE).setHasPixelData(true)));
        t.upload(studyMarker(P, other, 2, at(402)));
        t.advance(Duration.ofMinutes(5));

        List<InferenceJob> jobs = t.readJobs();
        assertThat(jobs).extracting(j -> j.getScope() + " " + sops(j)).containsExactlyInAnyOrder(
                "INSTANCE [" + other + ".2.1]", "SERIES [" + other + ".2.1]", "STUDY [" + other + ".2.1]");
        assertThat(leftOut("instance", "modality")).isEqualTo(3);
        assertThat(leftOut("series", "modality")).isEqualTo(3);
        assertThat(leftOut("study", "modality")).isEqualTo(3);
    }

    @Test
    void shouldSelectSeriesWhoseDescriptionMatchesThePattern() {
        t.model(routed(model("m-series", P, Scope.SERIES, BEFORE), rules().setSeriesDescriptionPattern("(?i)lung").build()));
        t.upload(describe(ct(CT_SERIES, 1), d -> d.setSeriesDescription("CT LUNG 1.0 B60f")));
        t.upload(describe(ct(MR_SERIES, 1), d -> d.setSeriesDescription("Topogram 0.6 T20s")));
        String blank = STUDY + ".7";
        t.upload(ct(blank, 1));
        t.advance(Duration.ofSeconds(60));

        assertThat(single(t.readJobs()).getScopeUid()).isEqualTo(CT_SERIES);
        assertThat(leftOut("series", "series_description")).isEqualTo(2);
    }

    @Test
    void shouldTakeOnlyTheListedBodyPartsWhateverTheirCase() {
        t.model(routed(model("m-inst", P, Scope.INSTANCE, BEFORE), rules().setBodyPartsExamined(List.of("CHEST")).build()));
        t.upload(describe(ct(CT_SERIES, 1), d -> d.setBodyPartExamined("Chest")));
        t.upload(describe(ct(CT_SERIES, 2), d -> d.setBodyPartExamined("HEAD")));
        t.upload(ct(CT_SERIES, 3));

        assertThat(single(t.readJobs()).getScopeUid()).isEqualTo(CT_SERIES + ".1");
        assertThat(leftOut("instance", "body_part")).as("HEAD, and one without a body part").isEqualTo(2);
    }

    @Test
    void shouldTakeOnlyTheListedSopClasses() {
        t.model(routed(model("m-inst", P, Scope.INSTANCE, BEFORE), rules().setSopClassUids(List.of(SopClasses.CT_IMAGE)).build()));
        t.upload(ct(CT_SERIES, 1));
        t.upload(describe(ct(CT_SERIES, 2), d -> d.setSopClassUid(ENHANCED_CT)));
        t.upload(describe(ct(CT_SERIES, 3), d -> d.setSopClassUid(null)));

        assertThat(single(t.readJobs()).getScopeUid()).isEqualTo(CT_SERIES + ".1");
        assertThat(leftOut("instance", "sop_class")).isEqualTo(2);
    }

    @Test
    void shouldListInEachVersionsJobOnlyWhatItTakesAndReviseOnlyTheVersionThatGotSomethingNew() {
        t.model(routed(model("m-ct", P, Scope.STUDY, BEFORE), rules().setModalities(List.of("CT")).build()));
        t.model(model("m-all", P, Scope.STUDY, BEFORE));
        t.upload(ct(CT_SERIES, 1));
        t.upload(image(MR_SERIES, 1, "MR"));
        t.upload(studyMarker(P, STUDY, 2, at(5)));
        List<InferenceJob> first = t.readJobs();
        assertThat(first).extracting(j -> j.getModelId() + " " + sops(j)).containsExactlyInAnyOrder(
                "m-ct [" + CT_SERIES + ".1]", "m-all [" + CT_SERIES + ".1, " + MR_SERIES + ".1]");

        t.upload(image(MR_SERIES, 2, "MR"));
        t.advance(Duration.ofSeconds(60));

        InferenceJob revision = single(t.readJobs());
        assertThat(revision.getModelId()).as("the CT model's job still covers all it takes").isEqualTo("m-all");
        assertThat(revision.getRevision()).isEqualTo(1);
        assertThat(sops(revision)).containsExactly(CT_SERIES + ".1", MR_SERIES + ".1", MR_SERIES + ".2");
    }

    @Test
    void shouldCountWhatWasLeftOutByScopeAndReason() {
        t.model(routed(model("m-inst", P, Scope.INSTANCE, BEFORE), rules().setModalities(List.of("CT")).build()));
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.upload(report(SR_SERIES, 1));
        t.upload(image(MR_SERIES, 1, "MR"));
        t.upload(ct(CT_SERIES, 1));

        assertThat(leftOut("instance", "not_an_image")).isEqualTo(1);
        assertThat(leftOut("instance", "modality")).isEqualTo(1);
        assertThat(leftOut("series", "not_an_image")).isEqualTo(1);
        assertThat(leftOut("series", "modality")).isZero();
        assertThat(leftOut("study", "not_an_image")).as("no study model").isZero();
        assertThat(t.meters.find(TriggerMetrics.INSTANCES_LEFT_OUT).counters()).as("every scope and reason registered")
                .hasSize(Scope.values().length * 5);
    }

    @Test
    void shouldJudgeEventsWithoutTheNewFieldsByTheirSopClassAlone() {
        t.model(model("m-inst", P, Scope.INSTANCE, BEFORE));
        t.model(model("m-study", P, Scope.STUDY, BEFORE));
        // as an older publisher sent them: SOP class and modality, nothing about pixels
        t.upload(describe(instance(P, STUDY, CT_SERIES, CT_SERIES + ".1", 1, at(1)),
                d -> d.setSopClassUid(SopClasses.CT_IMAGE).setModality("CT")));
        t.upload(instance(P, STUDY, CT_SERIES, CT_SERIES + ".2", 2, at(2)));
        t.upload(describe(instance(P, STUDY, SR_SERIES, SR_SERIES + ".1", 1, at(3)),
                d -> d.setSopClassUid(SopClasses.BASIC_TEXT_SR).setModality("SR")));
        t.upload(studyMarker(P, STUDY, 3, at(4)));

        List<InferenceJob> jobs = t.readJobs();
        assertThat(jobs).filteredOn(j -> j.getScope() == Scope.INSTANCE).extracting(InferenceJob::getScopeUid)
                .containsExactly(CT_SERIES + ".1", CT_SERIES + ".2");
        assertThat(jobs).filteredOn(j -> j.getScope() == Scope.STUDY).singleElement()
                .satisfies(j -> assertThat(sops(j)).containsExactly(CT_SERIES + ".1", CT_SERIES + ".2"));
    }

    @Test
    void shouldReadUploadsWrittenWithTheSchemaBeforeTheNewFields() throws IOException {
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        Schema before = withoutRoutingFields(DatasetUploadEvent.getClassSchema());
        int id = t.serdes.client().register(t.topics.uploads().name() + "-value", before);
        for (int n = 1; n <= 2; n++) {
            t.rawUploads.pipeInput(new TestRecord<>(STUDY.getBytes(StandardCharsets.UTF_8), oldInstance(before, id, n), at(n)));
        }
        t.upload(seriesMarker(P, STUDY, CT_SERIES, 2, at(3)));

        InferenceJob job = single(t.readJobs());
        assertThat(sops(job)).containsExactly(CT_SERIES + ".1", CT_SERIES + ".2");
        assertThat(t.deadLetters.isEmpty()).isTrue();
    }

    /** An instance event as a producer with the older schema wrote it, in the Confluent wire format. */
    private static byte[] oldInstance(Schema schema, int schemaId, int n) throws IOException {
        Schema payloadSchema = schema.getField("payload").schema().getTypes().get(0);
        Schema contentSchema = payloadSchema.getField("content").schema();
        GenericRecord content = new GenericData.Record(contentSchema);
        content.put("uri", "file:///store/" + n + ".dcm");
        content.put("contentType", "application/dicom");
        content.put("sizeBytes", 100L);
        content.put("sha256", null);
        GenericRecord payload = new GenericData.Record(payloadSchema);
        payload.put("seriesInstanceUid", CT_SERIES);
        payload.put("sopInstanceUid", CT_SERIES + "." + n);
        payload.put("sopClassUid", SopClasses.CT_IMAGE);
        payload.put("modality", "CT");
        payload.put("instanceNumber", n);
        payload.put("numberOfFrames", 1);
        payload.put("content", content);
        GenericRecord event = new GenericData.Record(schema);
        event.put("eventId", "old-" + n);
        event.put("projectId", P);
        event.put("datasetId", "dataset-1");
        event.put("studyInstanceUid", STUDY);
        event.put("source", "old-uploader");
        event.put("publishedAt", at(n).toEpochMilli());
        event.put("payload", payload);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(ConfluentWireFormat.HEADER_SIZE);
        ConfluentWireFormat.writeHeader(header, schemaId);
        bytes.write(header.array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(schema).write(event, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }

    /** DatasetUploadEvent as it was before hasPixelData, bodyPartExamined and seriesDescription. */
    private static Schema withoutRoutingFields(Schema current) throws IOException {
        JsonNode tree = new ObjectMapper().readTree(current.toString());
        strip(tree, Set.of("hasPixelData", "bodyPartExamined", "seriesDescription"));
        return new Schema.Parser().parse(tree.toString());
    }

    private static void strip(JsonNode node, Set<String> fields) {
        if (node instanceof ObjectNode o) {
            if ("DataUploaded".equals(o.path("name").asText()) && o.get("fields") instanceof ArrayNode list) {
                for (int i = list.size() - 1; i >= 0; i--) {
                    if (fields.contains(list.get(i).path("name").asText())) {
                        list.remove(i);
                    }
                }
            }
            o.elements().forEachRemaining(child -> strip(child, fields));
        } else if (node instanceof ArrayNode a) {
            a.forEach(child -> strip(child, fields));
        }
    }

    private static InferenceJob single(List<InferenceJob> jobs) {
        assertThat(jobs).hasSize(1);
        return jobs.get(0);
    }
}
