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

/** Compares model outputs and published predictions field by field with the generator's expectations. */
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

    /** The fields both shapes share, in the generator's terms. */
    private record Actual(String type, String study, String series, String instance, Integer frame, Integer classIndex,
                          Double probability, List<double[]> classProbabilities, byte[] mask, int[] maskSize, double[] box) {
    }

    public static void assertOutputs(String model, String file, List<ModelOutput> actual) {
        assertSame(model, file, actual.stream().map(ExpectedOutputs::of).toList());
    }

    /** Predictions of one job, in output index order; also checks the ids derive from the job and index. */
    public static void assertPredictions(String model, String file, List<Prediction> actual) {
        for (int i = 0; i < actual.size(); i++) {
            assertThat(actual.get(i).getOutputIndex()).isEqualTo(i);
            assertThat(actual.get(i).getPredictionId()).isEqualTo(actual.get(i).getJobId() + ":" + i);
        }
        assertSame(model, file, actual.stream().map(ExpectedOutputs::of).toList());
    }

    private static Actual of(ModelOutput o) {
        MaskData m = o.data() instanceof MaskData md ? md : null;
        BoxData b = o.data() instanceof BoxData bd ? bd : null;
        return new Actual(o.type().name(), o.studyUid(), o.seriesUid(), o.instanceUid(), o.frameNumber(), o.classIndex(),
                o.probability(), o.classProbabilities() == null ? null
                        : o.classProbabilities().stream().map(s -> new double[] {s.classIndex(), s.probability()}).toList(),
                m == null ? null : m.pixels(), m == null ? null : new int[] {m.rows(), m.columns()},
                b == null ? null : new double[] {b.x(), b.y(), b.width(), b.height()});
    }

    @SuppressWarnings("unchecked")
    private static Actual of(Prediction p) {
        Mask m = p.getData() instanceof Mask md ? md : null;
        BoundingBox b = p.getData() instanceof BoundingBox bd ? bd : null;
        return new Actual(p.getType().name(), p.getStudyInstanceUid(), p.getSeriesInstanceUid(), p.getSopInstanceUid(),
                p.getFrameNumber(), p.getClassIndex(), p.getProbability() instanceof Double d ? d : null,
                p.getProbability() instanceof List<?> l
                        ? ((List<ClassProbability>) l).stream().map(c -> new double[] {c.getClassIndex(), c.getProbability()}).toList() : null,
                m == null ? null : bytes(m.getPixels()), m == null ? null : new int[] {m.getRows(), m.getColumns()},
                b == null ? null : new double[] {b.getX(), b.getY(), b.getWidth(), b.getHeight()});
    }

    private static void assertSame(String model, String file, List<Actual> actual) {
        JsonNode expected = of(model, file);
        assertThat(actual).as(model + " on " + file).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode e = expected.get(i);
            Actual a = actual.get(i);
            String at = model + " on " + file + ", output " + i;
            assertThat(a.type()).as(at + " type").isEqualTo(e.path("type").asText());
            assertThat(a.study()).as(at + " study").isEqualTo(e.path("study_uid").asText());
            assertThat(a.series()).as(at + " series").isEqualTo(e.path("series_uid").asText());
            assertThat(a.instance()).as(at + " instance").isEqualTo(e.path("instance_uid").asText());
            assertThat(a.frame()).as(at + " frame").isEqualTo(e.path("frame_number").isNull() ? null : e.path("frame_number").asInt());
            assertThat(a.classIndex()).as(at + " class").isEqualTo(e.path("class_index").isNull() ? null : e.path("class_index").asInt());
            JsonNode p = e.path("probability");
            if (p.isNull()) {
                assertThat(a.probability()).as(at + " probability").isNull();
                assertThat(a.classProbabilities()).as(at + " class probabilities").isNull();
            } else if (p.isArray()) {
                assertThat(a.classProbabilities()).as(at + " class probabilities").hasSize(p.size());
                for (int c = 0; c < p.size(); c++) {
                    assertThat((int) a.classProbabilities().get(c)[0]).isEqualTo(p.get(c).path("class_index").asInt());
                    assertThat(a.classProbabilities().get(c)[1]).as(at + " p[" + c + "]")
                            .isCloseTo(p.get(c).path("probability").asDouble(), within(TOLERANCE));
                }
            } else {
                assertThat(a.probability()).as(at + " probability").isCloseTo(p.asDouble(), within(TOLERANCE));
            }
            JsonNode d = e.path("data");
            if (d.isNull()) {
                assertThat(a.mask()).as(at + " mask").isNull();
                assertThat(a.box()).as(at + " box").isNull();
            } else if (d.has("mask")) {
                assertThat(a.maskSize()).as(at + " mask size").containsExactly(d.path("mask").path("rows").asInt(), d.path("mask").path("columns").asInt());
                assertThat(a.mask()).as(at + " mask pixels").isEqualTo(Base64.getDecoder().decode(d.path("mask").path("pixels").asText()));
            } else {
                JsonNode eb = d.path("box");
                assertThat(a.box()).as(at + " box").containsExactly(eb.path("x").asDouble(), eb.path("y").asDouble(),
                        eb.path("width").asDouble(), eb.path("height").asDouble());
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
