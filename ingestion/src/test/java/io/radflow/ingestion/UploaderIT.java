package io.radflow.ingestion;

import static io.radflow.ingestion.IngestionTestSupport.DICOMDIR_TESTS;
import static io.radflow.ingestion.IngestionTestSupport.PYDICOM_FILES;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.radflow.schemas.avro.CompletionLevel;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.UploadCompleted;
import io.radflow.testsupport.TestStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./radflow upload} against the real broker and registry, checked against pydicom. */
class UploaderIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int upload(String project, String dataset, Path... paths) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", TestStack.get().bootstrapServers(),
                "--schema-registry-url", TestStack.get().schemaRegistryUrl(), "--set", "content.store.dir=" + dir.resolve("content"),
                "--project", project, "--dataset", dataset));
        for (Path p : paths) {
            args.add(p.toString());
        }
        return new CommandLine(new UploadCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args.toArray(String[]::new));
    }

    private static String project() {
        return "upload-it-" + UUID.randomUUID();
    }

    @Test
    void shouldPublishTheStudySeriesAndInstancesThatPydicomReportsWithMarkersAfterThem() throws Exception {
        JsonNode expected = IngestionTestSupport.pydicomStructure(DICOMDIR_TESTS);
        int instanceCount = 0;
        for (JsonNode study : expected) {
            for (JsonNode series : study) {
                instanceCount += series.size();
            }
        }
        assertThat(instanceCount).as("pydicom finds the tree's instances").isGreaterThan(30);
        int markerCount = expected.size() + expected.properties().stream().mapToInt(s -> s.getValue().size()).sum();
        String project = project();

        assertThat(upload(project, "dicomdir", DICOMDIR_TESTS)).as(err.toString()).isZero();

        int total = instanceCount + markerCount;
        List<ConsumerRecord<String, DatasetUploadEvent>> records = IngestionTestSupport.read(project, e -> e.size() >= total, TIMEOUT);
        assertThat(records).hasSize(total);
        List<DatasetUploadEvent> events = records.stream().map(ConsumerRecord::value).toList();

        // the instances: exactly pydicom's structure, with its modality, SOP class and instance number
        Map<String, Map<String, Map<String, DataUploaded>>> published = new TreeMap<>();
        for (DatasetUploadEvent e : events) {
            if (e.getPayload() instanceof DataUploaded d) {
                assertThat(published.computeIfAbsent(e.getStudyInstanceUid(), s -> new TreeMap<>())
                        .computeIfAbsent(d.getSeriesInstanceUid(), s -> new TreeMap<>()).put(d.getSopInstanceUid(), d)).isNull();
            }
        }
        assertThat(published.keySet()).containsExactlyInAnyOrderElementsOf(expected::fieldNames);
        expected.properties().forEach(study -> {
            assertThat(published.get(study.getKey()).keySet()).containsExactlyInAnyOrderElementsOf(study.getValue()::fieldNames);
            study.getValue().properties().forEach(series -> series.getValue().properties().forEach(sop -> {
                DataUploaded d = published.get(study.getKey()).get(series.getKey()).get(sop.getKey());
                assertThat(d).as("instance %s", sop.getKey()).isNotNull();
                assertThat(d.getModality()).isEqualTo(sop.getValue().get("modality").textValue());
                assertThat(d.getSopClassUid()).isEqualTo(sop.getValue().get("sopClassUid").textValue());
                JsonNode number = sop.getValue().get("instanceNumber");
                assertThat(d.getInstanceNumber()).isEqualTo(number.isNull() ? null : number.intValue());
                assertSameDescription(d, sop.getValue());
            }));
        });

        // keyed by study, the content is stored and hashes right
        for (ConsumerRecord<String, DatasetUploadEvent> r : records) {
            assertThat(r.key()).isEqualTo(r.value().getStudyInstanceUid());
            assertThat(r.value().getSource()).isEqualTo("uploader");
            if (r.value().getPayload() instanceof DataUploaded d) {
                byte[] stored = Files.readAllBytes(Path.of(URI.create(d.getContent().getUri())));
                assertThat(stored).hasSize((int) d.getContent().getSizeBytes());
                assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored))).isEqualTo(d.getContent().getSha256());
                assertThat(d.getContent().getUri()).startsWith(dir.resolve("content").toUri().toString());
            }
        }

        // one marker per series and per study, with pydicom's counts, each after its group's instances
        Map<String, Integer> seriesCounts = new HashMap<>();
        Map<String, Integer> studyCounts = new HashMap<>();
        for (DatasetUploadEvent e : events) {
            if (e.getPayload() instanceof UploadCompleted m) {
                if (m.getLevel() == CompletionLevel.SERIES) {
                    assertThat(seriesCounts.put(m.getSeriesInstanceUid(), m.getInstanceCount())).isNull();
                } else {
                    assertThat(studyCounts.put(e.getStudyInstanceUid(), m.getInstanceCount())).isNull();
                }
            }
        }
        expected.properties().forEach(study -> {
            int sum = 0;
            for (Map.Entry<String, JsonNode> series : study.getValue().properties()) {
                assertThat(seriesCounts.get(series.getKey())).as("series %s", series.getKey()).isEqualTo(series.getValue().size());
                sum += series.getValue().size();
            }
            assertThat(studyCounts.get(study.getKey())).as("study %s", study.getKey()).isEqualTo(sum);
        });
        Map<String, Long> lastInstanceOffset = new HashMap<>();
        records.stream().filter(r -> r.value().getPayload() instanceof DataUploaded)
                .forEach(r -> lastInstanceOffset.merge(r.key(), r.offset(), Math::max));
        records.stream().filter(r -> r.value().getPayload() instanceof UploadCompleted)
                .forEach(r -> assertThat(r.offset()).isGreaterThan(lastInstanceOffset.get(r.key())));

        assertThat(out.toString()).contains("Published " + instanceCount + " instances")
                .contains(expected.size() + " studies");
    }

    /** What the instance is, as pydicom reports it: pixel data or not, body part, series description. */
    static void assertSameDescription(DataUploaded d, JsonNode pydicom) {
        assertThat(d.getHasPixelData()).as("hasPixelData of %s", d.getSopInstanceUid()).isEqualTo(pydicom.get("hasPixelData").booleanValue());
        assertThat(d.getBodyPartExamined()).as("bodyPartExamined of %s", d.getSopInstanceUid())
                .isEqualTo(pydicom.get("bodyPartExamined").textValue());
        assertThat(d.getSeriesDescription()).as("seriesDescription of %s", d.getSopInstanceUid())
                .isEqualTo(pydicom.get("seriesDescription").textValue());
    }

    @Test
    void shouldRecordWhichInstancesHoldPixelsSoThatReportsPlansAndSegmentationsAreNotImages() throws Exception {
        Path input = Files.createDirectories(dir.resolve("mixed-objects"));
        Map<String, Boolean> imageByFile = Map.of("CT_small.dcm", true, "test-SR.dcm", false, "reportsi.dcm", false,
                "liver_1frame.dcm", false, "rtplan.dcm", false, "rtdose.dcm", false, "waveform_ecg.dcm", false);
        for (String name : imageByFile.keySet()) {
            Files.copy(PYDICOM_FILES.resolve(name), input.resolve(name));
        }
        JsonNode expected = IngestionTestSupport.pydicomStructure(input);
        Map<String, JsonNode> pydicomBySop = new HashMap<>();
        int markers = expected.size();
        for (JsonNode study : expected) {
            markers += study.size();
            study.forEach(series -> series.properties().forEach(sop -> pydicomBySop.put(sop.getKey(), sop.getValue())));
        }
        assertThat(pydicomBySop).hasSize(imageByFile.size());
        String project = project();

        assertThat(upload(project, "mixed-objects", input)).as(err.toString()).isZero();

        int total = pydicomBySop.size() + markers;
        List<DatasetUploadEvent> events = IngestionTestSupport.read(project, e -> e.size() >= total, TIMEOUT).stream()
                .map(ConsumerRecord::value).toList();
        List<DataUploaded> instances = IngestionTestSupport.instances(events);
        assertThat(instances).hasSize(imageByFile.size());
        Map<String, String> sopByFile = new HashMap<>();
        for (String name : imageByFile.keySet()) {
            sopByFile.put(name, io.radflow.dicom.DicomReader.headerOnly().read(input.resolve(name)).attributes().sopInstanceUid());
        }
        for (DataUploaded d : instances) {
            assertSameDescription(d, pydicomBySop.get(d.getSopInstanceUid()));
        }
        Map<String, DataUploaded> bySop = instances.stream().collect(Collectors.toMap(DataUploaded::getSopInstanceUid, d -> d));
        imageByFile.forEach((name, image) -> {
            DataUploaded d = bySop.get(sopByFile.get(name));
            assertThat(io.radflow.dicom.SopClasses.isImage(d.getSopClassUid(), d.getHasPixelData())).as(name).isEqualTo(image);
        });
        assertThat(bySop.get(sopByFile.get("test-SR.dcm")).getHasPixelData()).isFalse();
        assertThat(bySop.get(sopByFile.get("reportsi.dcm")).getHasPixelData()).isFalse();
        assertThat(bySop.get(sopByFile.get("rtplan.dcm")).getHasPixelData()).isFalse();
        assertThat(bySop.get(sopByFile.get("liver_1frame.dcm")).getHasPixelData()).as("a SEG has pixels: labels").isTrue();
        assertThat(bySop.get(sopByFile.get("CT_small.dcm")).getHasPixelData()).isTrue();
        assertThat(bySop.get(sopByFile.get("rtdose.dcm")).getNumberOfFrames()).isEqualTo(15);
        assertThat(bySop.get(sopByFile.get("test-SR.dcm")).getSeriesDescription()).isEqualTo("Demonstration of SR Features");
    }

    @Test
    void shouldPublishTheSameEventIdsWhenRunTwice() {
        String project = project();
        Path folder = DICOMDIR_TESTS.resolve("98892001");
        assertThat(upload(project, "again", folder)).isZero();
        assertThat(upload(project, "again", folder)).isZero();
        // 7 instances, 2 series and 1 study markers, twice
        List<DatasetUploadEvent> events = IngestionTestSupport.read(project, e -> e.size() >= 20, TIMEOUT).stream()
                .map(ConsumerRecord::value).toList();
        assertThat(events).hasSize(20);
        Map<String, Long> timesPublished = events.stream().collect(Collectors.groupingBy(DatasetUploadEvent::getEventId, Collectors.counting()));
        assertThat(timesPublished).hasSize(10).allSatisfy((id, n) -> assertThat(n).isEqualTo(2));
    }

    @Test
    void shouldSkipNonDicomFilesAndReportCorruptOnesWithoutLosingTheRest() throws Exception {
        Path input = Files.createDirectories(dir.resolve("input"));
        Files.copy(PYDICOM_FILES.resolve("CT_small.dcm"), input.resolve("good.dcm"));
        byte[] mr = Files.readAllBytes(PYDICOM_FILES.resolve("MR_small.dcm"));
        Files.write(input.resolve("cut.dcm"), java.util.Arrays.copyOf(mr, mr.length / 2));
        Files.writeString(input.resolve("notes.txt"), "not an image");
        Files.write(input.resolve("noise.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        String project = project();

        assertThat(upload(project, "mixed", input)).as("a file was not published: exit 1").isEqualTo(1);

        assertThat(err.toString()).contains("1 DICOM files could not be read").contains("cut.dcm").contains("truncated");
        assertThat(out.toString()).contains("Published 1 instances").contains("Skipped 2 non-DICOM files");
        List<DatasetUploadEvent> events = IngestionTestSupport.read(project, e -> e.size() >= 3, TIMEOUT).stream()
                .map(ConsumerRecord::value).toList();
        assertThat(IngestionTestSupport.instances(events)).singleElement()
                .satisfies(d -> assertThat(d.getSopInstanceUid()).isEqualTo("1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322"));
        assertThat(IngestionTestSupport.markers(events)).hasSize(2);
    }

    @Test
    void shouldRefuseAPathThatDoesNotExistBeforePublishingAnything() {
        assertThat(upload(project(), "x", dir.resolve("nowhere"))).isEqualTo(2);
        assertThat(err.toString()).contains("no such file or directory").contains("nowhere");
    }
}
