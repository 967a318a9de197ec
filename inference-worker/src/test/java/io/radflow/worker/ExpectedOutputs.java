package io.radflow.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.radflow.schemas.avro.BoundingBox;
import io.radflow.schemas.avro.ClassProbability;
import io.radflow.schemas.avro.Mask;
import io.radflow.schemas.avro.Prediction;
import io.radflow.worker.runtime.ModelOutput;
import io.radflow.worker.runtime.OutputData.BoxData;
import io.radflow.worker.runtime.OutputData.MaskData;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;

/** Compares outputs and predictions field by field with the generator's expectations. */
public final class ExpectedOutputs {

    /** float32 inference against a float64 reference: far looser than the differences seen, far tighter than any real change. */
    public static final double TOLERANCE = 1e-4;

    private ExpectedOutputs() {
    }

    public static JsonNode of(String model, String file) {
        JsonNode outs = TestModels.expected().path(model).path("outputs").path(file);
        assertThat(outs.isArray()).as("expectations for " + model + " on " + file).isTrue();
        return outs;
    }

    public static void assertOutputs(String model, String file, List<ModelOutput> actual) {
        JsonNode expected = of(model, file);
        assertThat(actual).as(model + " on " + file).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode e = expected.get(i);
            ModelOutput a = actual.get(i);
            String at = model + " on " + file + ", output " + i;
            assertThat(a.type().name()).as(at + " type").isEqualTo(e.path("type").asText());
            assertThat(a.studyUid()).as(at + " study").isEqualTo(e.path("study_uid").asText());
            assertThat(a.seriesUid()).as(at + " series").isEqualTo(e.path("series_uid").asText());
            assertThat(a.instanceUid()).as(at + " instance").isEqualTo(e.path("instance_uid").asText());
            assertThat(a.frameNumber()).as(at + " frame").isEqualTo(e.path("frame_number").isNull() ? null : e.path("frame_number").asInt());
            assertThat(a.classIndex()).as(at + " class").isEqualTo(e.path("class_index").isNull() ? null : e.path("class_index").asInt());
            JsonNode p = e.path("probability");
            if (p.isNull()) {
                assertThat(a.probability()).as(at + " probability").isNull();
                assertThat(a.classProbabilities()).as(at + " class probabilities").isNull();
            } else if (p.isArray()) {
                assertThat(a.classProbabilities()).as(at + " class probabilities").hasSize(p.size());
                for (int c = 0; c < p.size(); c++) {
                    assertThat(a.classProbabilities().get(c).classIndex()).isEqualTo(p.get(c).path("class_index").asInt());
                    assertThat(a.classProbabilities().get(c).probability()).as(at + " p[" + c + "]")
                            .isCloseTo(p.get(c).path("probability").asDouble(), within(TOLERANCE));
                }
            } else {
                assertThat(a.probability()).as(at + " probability").isCloseTo(p.asDouble(), within(TOLERANCE));
            }
            JsonNode d = e.path("data");
            if (d.isNull()) {
                assertThat(a.data()).as(at + " data").isNull();
            } else if (d.has("mask")) {
                MaskData m = (MaskData) a.data();
                assertThat(m.rows()).isEqualTo(d.path("mask").path("rows").asInt());
                assertThat(m.columns()).isEqualTo(d.path("mask").path("columns").asInt());
                assertThat(m.pixels()).as(at + " mask pixels").isEqualTo(Base64.getDecoder().decode(d.path("mask").path("pixels").asText()));
            } else {
                BoxData b = (BoxData) a.data();
                JsonNode eb = d.path("box");
                assertThat(new double[] {b.x(), b.y(), b.width(), b.height()}).as(at + " box")
                        .containsExactly(eb.path("x").asDouble(), eb.path("y").asDouble(), eb.path("width").asDouble(), eb.path("height").asDouble());
            }
        }
    }

    /** The same comparison for published predictions (outputIndex order). */
    public static void assertPredictions(String model, String file, List<Prediction> actual) {
        JsonNode expected = of(model, file);
        assertThat(actual).as(model + " predictions on " + file).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode e = expected.get(i);
            Prediction a = actual.get(i);
            String at = model + " prediction " + i + " on " + file;
            assertThat(a.getOutputIndex()).as(at + " index").isEqualTo(i);
            assertThat(a.getPredictionId()).as(at + " id").isEqualTo(a.getJobId() + ":" + i);
            assertThat(a.getType().name()).as(at + " type").isEqualTo(e.path("type").asText());
            assertThat(a.getStudyInstanceUid()).as(at + " study").isEqualTo(e.path("study_uid").asText());
            assertThat(a.getSeriesInstanceUid()).as(at + " series").isEqualTo(e.path("series_uid").asText());
            assertThat(a.getSopInstanceUid()).as(at + " instance").isEqualTo(e.path("instance_uid").asText());
            assertThat(a.getFrameNumber()).as(at + " frame").isEqualTo(e.path("frame_number").isNull() ? null : e.path("frame_number").asInt());
            assertThat(a.getClassIndex()).as(at + " class").isEqualTo(e.path("class_index").isNull() ? null : e.path("class_index").asInt());
            JsonNode p = e.path("probability");
            if (p.isNull()) {
                assertThat(a.getProbability()).as(at + " probability").isNull();
            } else if (p.isArray()) {
                @SuppressWarnings("unchecked")
                List<ClassProbability> ps = (List<ClassProbability>) a.getProbability();
                assertThat(ps).hasSize(p.size());
                for (int c = 0; c < p.size(); c++) {
                    assertThat(ps.get(c).getClassIndex()).isEqualTo(p.get(c).path("class_index").asInt());
                    assertThat(ps.get(c).getProbability()).as(at + " p[" + c + "]").isCloseTo(p.get(c).path("probability").asDouble(), within(TOLERANCE));
                }
            } else {
                assertThat((Double) a.getProbability()).as(at + " probability").isCloseTo(p.asDouble(), within(TOLERANCE));
            }
            JsonNode d = e.path("data");
            if (d.isNull()) {
                assertThat(a.getData()).as(at + " data").isNull();
            } else if (d.has("mask")) {
                Mask m = (Mask) a.getData();
                assertThat(m.getRows()).isEqualTo(d.path("mask").path("rows").asInt());
                assertThat(m.getColumns()).isEqualTo(d.path("mask").path("columns").asInt());
                assertThat(bytes(m.getPixels())).as(at + " mask pixels").isEqualTo(Base64.getDecoder().decode(d.path("mask").path("pixels").asText()));
            } else {
                BoundingBox b = (BoundingBox) a.getData();
                JsonNode eb = d.path("box");
                assertThat(new double[] {b.getX(), b.getY(), b.getWidth(), b.getHeight()}).as(at + " box")
                        .containsExactly(eb.path("x").asDouble(), eb.path("y").asDouble(), eb.path("width").asDouble(), eb.path("height").asDouble());
            }
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
