package io.radflow.exporter;

import static io.radflow.exporter.ExportFixtures.job;
import static io.radflow.exporter.ExportFixtures.mask;
import static io.radflow.exporter.ExportFixtures.prediction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.radflow.schemas.avro.BoundingBox;
import io.radflow.schemas.avro.ClassProbability;
import io.radflow.schemas.avro.Point;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.Vertices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeasurementReportBuilderTest {

    @TempDir
    Path dir;

    final MeasurementReportBuilder builder = new MeasurementReportBuilder();

    @Test
    void shouldWriteOneValidTid1500ReportWithEveryFindingItsCoordinatesCodesAndValues() throws Exception {
        SourceImage ct = ExportFixtures.source(ExportFixtures.CT);
        SourceImage dose = ExportFixtures.source(ExportFixtures.RT_DOSE);
        List<Prediction> predictions = new ArrayList<>(List.of(
                prediction("job-sr", 0, ct, 0, 2, new BoundingBox(10.5, 20.0, 30.0, 40.25), 0.875),
                prediction("job-sr", 1, ct, 0, 3, new Vertices(List.of(new Point(1.0, 2.0), new Point(3.0, 4.0), new Point(5.0, 1.0))), null),
                prediction("job-sr", 2, ct, 0, 4, new Vertices(List.of(new Point(0.5, 0.5), new Point(100.0, 90.0))), null),
                prediction("job-sr", 3, dose, 4, 5, new Point(7.0, 8.5), 0.5),
                prediction("job-sr", 4, ct, null, null, null, List.of(new ClassProbability(6, 0.25), new ClassProbability(2, 0.75))),
                prediction("job-sr", 5, ct, 0, 1, mask(128, 128, i -> true), null)));
        predictions.set(0, Prediction.newBuilder(predictions.get(0)).setNote("looks round").build());

        ExportObject sr = builder.build(job("job-sr", predictions, ct, dose)).orElseThrow();

        Path file = dir.resolve("sr.dcm");
        Files.write(file, sr.bytes());
        assertThat(DicomChecks.dciodvfyErrors(file)).isEmpty();
        JsonNode read = DicomChecks.pydicom(file);
        assertThat(read.path("Modality").asText()).isEqualTo("SR");
        assertThat(read.path("SOPClassUID").asText()).isEqualTo("1.2.840.10008.5.1.4.1.1.88.33");
        assertThat(read.path("SOPInstanceUID").asText()).isEqualTo(ExportUids.instance("job-sr", "SR"));
        assertThat(read.path("StudyInstanceUID").asText()).isEqualTo(ct.studyInstanceUid());
        assertThat(read.path("evidence")).extracting(JsonNode::asText).containsExactly(ct.sopInstanceUid(), dose.sopInstanceUid());

        List<JsonNode> items = StreamSupport.stream(read.path("content").spliterator(), false).toList();
        assertThat(items.get(0).path("concept").get(1).asText()).isEqualTo("DCM");
        assertThat(items.get(0).path("concept").get(0).asText()).isEqualTo("126000");
        assertThat(items.get(0).path("template").asText()).isEqualTo("1500");
        assertThat(item(items, "121005").path("code").get(0).asText()).as("observer type Device").isEqualTo("121007");
        assertThat(item(items, "121015").path("value").asText()).isEqualTo("liver-ai version 3");

        List<JsonNode> groups = items.stream().filter(i -> concept(i).equals("125007")).toList();
        assertThat(groups).as("box, polygon, line, point, two class probabilities; the mask is left to the SEG").hasSize(6);
        List<JsonNode> findings = items.stream().filter(i -> concept(i).equals("121071")).toList();
        assertThat(findings.get(0).path("code").toString()).isEqualTo("[\"L_nodule\",\"99RADFLOW\",\"Nodule\"]");
        assertThat(findings.get(1).path("code").toString()).as("the label's own type code").isEqualTo("[\"27925004\",\"SCT\",\"Nodule\"]");
        List<JsonNode> regions = items.stream().filter(i -> concept(i).equals("111030")).toList();
        assertThat(regions.get(0).path("graphicType").asText()).isEqualTo("POLYLINE");
        assertThat(regions.get(0).path("graphicData").toString()).isEqualTo("[10.5,20.0,40.5,20.0,40.5,60.25,10.5,60.25,10.5,20.0]");
        assertThat(regions.get(1).path("graphicData").toString()).as("polygon closed").isEqualTo("[1.0,2.0,3.0,4.0,5.0,1.0,1.0,2.0]");
        assertThat(regions.get(2).path("graphicData").toString()).as("line open").isEqualTo("[0.5,0.5,100.0,90.0]");
        assertThat(regions.get(3).path("graphicType").asText()).isEqualTo("POINT");
        assertThat(regions.get(3).path("graphicData").toString()).isEqualTo("[7.0,8.5]");
        List<JsonNode> selected = items.stream().filter(i -> "SELECTED FROM".equals(i.path("rel").asText())).toList();
        assertThat(selected).hasSize(4);
        assertThat(selected.get(0).path("sop").asText()).isEqualTo(ct.sopInstanceUid());
        assertThat(selected.get(3).path("sop").asText()).isEqualTo(dose.sopInstanceUid());
        assertThat(selected.get(3).path("frame").toString()).as("1-based frame of the multi-frame source").isEqualTo("[5]");
        List<Double> probabilities = items.stream().filter(i -> "NUM".equals(i.path("type").asText()))
                .map(i -> i.path("value").asDouble()).toList();
        assertThat(probabilities).containsExactly(0.875, 0.5, 0.25, 0.75);
        assertThat(item(items, "121106").path("value").asText()).isEqualTo("looks round");
    }

    @Test
    void shouldWriteTheSameBytesForTheSameJob() throws Exception {
        SourceImage ct = ExportFixtures.source(ExportFixtures.CT);
        List<Prediction> p = List.of(prediction("job-d", 0, ct, 0, 2, new BoundingBox(1.0, 2.0, 3.0, 4.0), 0.5));
        assertThat(builder.build(job("job-d", p, ct)).orElseThrow().bytes()).isEqualTo(builder.build(job("job-d", p, ct)).orElseThrow().bytes());
    }

    @Test
    void shouldWriteNothingForMasksAlone() throws Exception {
        SourceImage ct = ExportFixtures.source(ExportFixtures.CT);
        assertThat(builder.build(job("job-m", List.of(prediction("job-m", 0, ct, 0, 1, mask(128, 128, i -> true), null)), ct))).isEmpty();
    }

    @Test
    void shouldRefuseALineWithOneVertexAndAnUnknownClass() throws Exception {
        SourceImage ct = ExportFixtures.source(ExportFixtures.CT);
        assertThatThrownBy(() -> builder.build(job("job-v", List.of(prediction("job-v", 0, ct, 0, 4,
                new Vertices(List.of(new Point(1.0, 1.0))), null)), ct)))
                .isInstanceOf(ExportException.class).hasMessageContaining("has 1 vertex; a polygon or line needs at least 2");
        assertThatThrownBy(() -> builder.build(job("job-c", List.of(prediction("job-c", 0, ct, 0, 9, new Point(1.0, 1.0), null)), ct)))
                .isInstanceOf(ExportException.class).hasMessageContaining("class index 9 is no label class of liver-ai version 3");
    }

    private static String concept(JsonNode item) {
        return item.path("concept").isArray() ? item.path("concept").get(0).asText() : "";
    }

    private static JsonNode item(List<JsonNode> items, String concept) {
        return items.stream().filter(i -> concept(i).equals(concept)).findFirst().orElseThrow(() -> new AssertionError("no " + concept));
    }
}
