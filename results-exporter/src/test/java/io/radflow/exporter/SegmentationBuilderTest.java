package io.radflow.exporter;

import static io.radflow.exporter.ExportFixtures.job;
import static io.radflow.exporter.ExportFixtures.mask;
import static io.radflow.exporter.ExportFixtures.prediction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.BoundingBox;
import io.radflow.schemas.avro.Mask;
import io.radflow.schemas.avro.Prediction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentationBuilderTest {

    @TempDir
    Path dir;

    final SegmentationBuilder builder = new SegmentationBuilder();

    @Test
    void shouldWriteOneValidSegWhoseFramesMatchTheMasksPixelByPixel() throws Exception {
        SourceImage ct = ExportFixtures.source(ExportFixtures.CT);
        Mask liver = mask(128, 128, i -> i % 128 > 20 && i % 128 < 90 && i / 128 > 30 && i / 128 < 100);
        Mask lesionA = mask(128, 128, i -> i % 7 == 0);
        Mask lesionB = mask(128, 128, i -> i / 128 == 5);
        List<Prediction> predictions = List.of(
                prediction("job-seg", 0, ct, 0, 0, liver, 0.9),
                prediction("job-seg", 1, ct, 0, 1, lesionA, null),
                prediction("job-seg", 2, ct, 0, 1, lesionB, null),
                prediction("job-seg", 3, ct, 0, 2, new BoundingBox(1.0, 2.0, 3.0, 4.0), 0.5));

        ExportObject seg = builder.build(job("job-seg", predictions, ct)).orElseThrow();

        Path file = write(seg);
        assertThat(DicomChecks.dciodvfyErrors(file)).isEmpty();
        JsonNode read = DicomChecks.pydicom(file);
        assertThat(read.path("Modality").asText()).isEqualTo("SEG");
        assertThat(read.path("SOPInstanceUID").asText()).isEqualTo(seg.sopInstanceUid()).isEqualTo(ExportUids.instance("job-seg", "SEG"));
        assertThat(read.path("StudyInstanceUID").asText()).isEqualTo(ct.studyInstanceUid());
        assertThat(read.path("PatientID").asText()).isEqualTo(ct.string(com.pixelmed.dicom.TagFromName.PatientID));
        assertThat(read.path("SeriesInstanceUID").asText()).isNotEqualTo(ct.seriesInstanceUid());

        JsonNode segments = read.path("segments");
        assertThat(segments).hasSize(2);
        assertThat(segments.get(0).path("label").asText()).isEqualTo("Liver");
        assertThat(segments.get(0).path("algorithmType").asText()).isEqualTo("AUTOMATIC");
        assertThat(segments.get(0).path("algorithmName").asText()).isEqualTo("liver-ai version 3");
        assertThat(segments.get(0).path("category").toString()).isEqualTo("[\"123037004\",\"SCT\",\"Anatomical Structure\"]");
        assertThat(segments.get(0).path("type").toString()).isEqualTo("[\"10200004\",\"SCT\",\"Liver\"]");
        assertThat(segments.get(1).path("number").asInt()).isEqualTo(2);
        assertThat(segments.get(1).path("category").toString()).isEqualTo("[\"49755003\",\"SCT\",\"Morphologically Abnormal Structure\"]");
        assertThat(segments.get(1).path("type").toString()).isEqualTo("[\"52988006\",\"SCT\",\"Lesion\"]");

        JsonNode frames = read.path("frames");
        assertThat(frames).hasSize(2);
        assertFrame(frames.get(0), 1, ct.sopInstanceUid(), liver);
        assertFrame(frames.get(1), 2, ct.sopInstanceUid(), or(lesionA, lesionB));
        assertThat(frames.get(0).path("frame").isNull()).as("no frame number for a single-frame source").isTrue();
        assertThat(frames.get(0).path("position").toString()).isEqualTo(json(ct.position(0)));
        assertThat(read.path("referencedSeries").get(0).path("series").asText()).isEqualTo(ct.seriesInstanceUid());
        assertThat(read.path("referencedSeries").get(0).path("instances").get(0).asText()).isEqualTo(ct.sopInstanceUid());
    }

    @Test
    void shouldReferenceTheSourceFrameOfAMultiFrameImageAndItsPosition() throws Exception {
        SourceImage dose = ExportFixtures.source(ExportFixtures.RT_DOSE);
        Mask third = mask(10, 10, i -> (i / 10 + i % 10) % 3 == 0);
        Mask ninth = mask(10, 10, i -> i < 17);
        ExportObject seg = builder.build(job("job-mf", List.of(prediction("job-mf", 0, dose, 8, 1, ninth, null),
                prediction("job-mf", 1, dose, 2, 1, third, null)), dose)).orElseThrow();

        Path file = write(seg);
        assertThat(DicomChecks.dciodvfyErrors(file)).isEmpty();
        JsonNode frames = DicomChecks.pydicom(file).path("frames");
        assertThat(frames).hasSize(2);
        // Ordered along the slice normal: frame 3 (1-based) lies before frame 9.
        assertFrame(frames.get(0), 1, dose.sopInstanceUid(), third);
        assertThat(frames.get(0).path("frame").asInt()).as("1-based Referenced Frame Number").isEqualTo(3);
        assertThat(frames.get(0).path("position").toString()).isEqualTo(json(dose.position(2)));
        assertFrame(frames.get(1), 1, dose.sopInstanceUid(), ninth);
        assertThat(frames.get(1).path("frame").asInt()).isEqualTo(9);
        assertThat(frames.get(1).path("dimension").toString()).isEqualTo("[1,2]");
    }

    @Test
    void shouldWriteAValidSegOverAnImageWithoutPatientGeometry() throws Exception {
        SourceImage sc = ExportFixtures.source(ExportFixtures.SC_SMALL);
        Mask m = mask(3, 3, i -> i == 4 || i == 8);
        ExportObject seg = builder.build(job("job-sc", List.of(prediction("job-sc", 0, sc, 0, 1, m, null)), sc)).orElseThrow();

        Path file = write(seg);
        assertThat(DicomChecks.dciodvfyErrors(file)).isEmpty();
        JsonNode frame = DicomChecks.pydicom(file).path("frames").get(0);
        assertFrame(frame, 1, sc.sopInstanceUid(), m);
        assertThat(frame.path("position").isNull()).isTrue();
    }

    @Test
    void shouldWriteTheSameBytesForTheSameJob() throws Exception {
        SourceImage ct = ExportFixtures.source(ExportFixtures.CT);
        List<Prediction> p = List.of(prediction("job-x", 0, ct, 0, 1, mask(128, 128, i -> i % 2 == 0), null));
        assertThat(builder.build(job("job-x", p, ct)).orElseThrow().bytes())
                .isEqualTo(builder.build(job("job-x", p, ct)).orElseThrow().bytes());
        assertThat(builder.build(job("job-y", p, ct)).orElseThrow().sopInstanceUid())
                .isNotEqualTo(ExportUids.instance("job-x", "SEG"));
    }

    @Test
    void shouldWriteNothingWithoutMasks() throws Exception {
        SourceImage ct = ExportFixtures.source(ExportFixtures.CT);
        assertThat(builder.build(job("job-n", List.of(prediction("job-n", 0, ct, 0, 2, new BoundingBox(1.0, 1.0, 2.0, 2.0), null)), ct)))
                .isEmpty();
    }

    @Test
    void shouldRefuseAMaskOfAnotherSizeThanItsSource() throws Exception {
        SourceImage ct = ExportFixtures.source(ExportFixtures.CT);
        ExportJob job = job("job-bad", List.of(prediction("job-bad", 0, ct, 0, 1, mask(64, 64, i -> true), null)), ct);
        assertThatThrownBy(() -> builder.build(job)).isInstanceOf(ExportException.class)
                .hasMessageContaining("mask job-bad:0 is 64x64 but its source instance").hasMessageContaining("is 128x128")
                .extracting(e -> ((ExportException) e).reason()).isEqualTo(Reason.EXPORT_INVALID_RESULT);
    }

    @Test
    void shouldRefuseAFrameTheSourceDoesNotHave() throws Exception {
        SourceImage ct = ExportFixtures.source(ExportFixtures.CT);
        ExportJob job = job("job-f", List.of(prediction("job-f", 0, ct, 3, 1, mask(128, 128, i -> true), null)), ct);
        assertThatThrownBy(() -> builder.build(job)).hasMessageContaining("names frame 3 (zero-based)").hasMessageContaining("has 1 frame(s)");
    }

    @Test
    void shouldRefuseAMaskOfAnInstanceOutsideTheJob() throws Exception {
        SourceImage ct = ExportFixtures.source(ExportFixtures.CT);
        SourceImage sc = ExportFixtures.source(ExportFixtures.SC_TWO_FRAMES);
        ExportJob job = job("job-o", List.of(prediction("job-o", 0, sc, 0, 1, mask(100, 100, i -> true), null)), ct);
        assertThatThrownBy(() -> builder.build(job)).hasMessageContaining("which is not among the job's source instances");
    }

    private Path write(ExportObject object) throws Exception {
        Path file = dir.resolve(object.kind() + "-" + object.sopInstanceUid() + ".dcm");
        Files.write(file, object.bytes());
        return file;
    }

    static void assertFrame(JsonNode frame, int segment, String sop, Mask expected) {
        assertThat(frame.path("segment").asInt()).isEqualTo(segment);
        assertThat(frame.path("sop").asText()).isEqualTo(sop);
        List<Integer> ones = new ArrayList<>();
        frame.path("ones").forEach(n -> ones.add(n.asInt()));
        List<Integer> expectedOnes = new ArrayList<>();
        byte[] px = new byte[expected.getPixels().remaining()];
        expected.getPixels().duplicate().get(px);
        for (int i = 0; i < px.length; i++) {
            if (px[i] != 0) {
                expectedOnes.add(i);
            }
        }
        assertThat(expectedOnes).isNotEmpty();
        assertThat(ones).as("set pixels of the frame over %s", sop).isEqualTo(expectedOnes);
    }

    static Mask or(Mask a, Mask b) {
        return mask(a.getRows(), a.getColumns(), i -> a.getPixels().get(i) != 0 || b.getPixels().get(i) != 0);
    }

    static String json(double[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            s.append(i > 0 ? "," : "").append(v[i]);
        }
        return s.append("]").toString();
    }
}
