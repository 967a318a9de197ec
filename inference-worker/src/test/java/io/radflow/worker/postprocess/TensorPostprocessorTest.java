package io.radflow.worker.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.schemas.avro.OutputType;
import io.radflow.schemas.avro.Scope;
import io.radflow.worker.postprocess.TensorPostprocessor.FileValues;
import io.radflow.worker.postprocess.TensorPostprocessor.HeadKind;
import io.radflow.worker.postprocess.TensorPostprocessor.HeadValues;
import io.radflow.worker.runtime.ImageGeometry;
import io.radflow.worker.runtime.ModelFile;
import io.radflow.worker.runtime.ModelOutput;
import io.radflow.worker.runtime.ModelRequest;
import io.radflow.worker.runtime.OutputData.BoxData;
import io.radflow.worker.runtime.OutputData.MaskData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TensorPostprocessorTest {

    private static ModelFile file(String series, String instance, int frames) {
        return new ModelFile("st", series, instance, "application/dicom", new byte[0], new ImageGeometry(4, 4, frames));
    }

    private static LabelClass global(int i, Scope scope) {
        return LabelClass.newBuilder().setClassIndex(i).setLabelId("G" + i).setName("g").setType(LabelType.GLOBAL).setScope(scope).build();
    }

    @Test
    void shouldAverageClassScoresOverTheSeriesWhenTheLabelsAreSeriesLevel() {
        ModelRequest r = new ModelRequest("j", List.of(file("s1", "a", 1), file("s1", "b", 2), file("s2", "c", 1)), List.of(),
                List.of(global(0, Scope.SERIES), global(1, Scope.SERIES)), Map.of());
        HeadValues head = new HeadValues("p", HeadKind.CLASSIFICATION, 2, List.of(
                new FileValues(0, 0, List.of(new float[] {0.2f, 0.8f})),
                new FileValues(0, 0, List.of(new float[] {0.6f, 0.4f}, new float[] {0.9f, 0.1f})),
                new FileValues(0, 0, List.of(new float[] {0.1f, 0.9f}))));
        List<ModelOutput> out = TensorPostprocessor.outputs(r, List.of(head), PostprocessSettings.from(Map.of()));
        assertThat(out).hasSize(2);
        ModelOutput s1 = out.get(0);
        assertThat(s1.seriesUid()).isEqualTo("s1");
        assertThat(s1.instanceUid()).isNull();
        assertThat(s1.classIndex()).isEqualTo(0); // the mean over three frames of two instances
        assertThat(s1.classProbabilities().get(0).probability()).isCloseTo(1.7 / 3, within(1e-6));
        assertThat(out.get(1).classIndex()).isEqualTo(1);
    }

    @Test
    void shouldApplyTheConfiguredActivation() {
        ModelRequest r = new ModelRequest("j", List.of(file("s", "a", 1)), List.of(), List.of(global(0, Scope.INSTANCE), global(1, Scope.INSTANCE)),
                Map.of(PostprocessSettings.OUTPUT_ACTIVATION, "softmax"));
        HeadValues head = new HeadValues("p", HeadKind.CLASSIFICATION, 2, List.of(new FileValues(0, 0, List.of(new float[] {0f, (float) Math.log(3)}))));
        ModelOutput o = TensorPostprocessor.outputs(r, List.of(head), PostprocessSettings.from(r.args())).get(0);
        assertThat(o.classProbabilities().get(1).probability()).isCloseTo(0.75, within(1e-6));
    }

    @Test
    void shouldTurnMapsIntoMasksPerFrameAndBoxesPerRegion() {
        LabelClass mask = LabelClass.newBuilder().setClassIndex(0).setLabelId("M").setName("m").setType(LabelType.LOCAL)
                .setScope(Scope.INSTANCE).setAnnotationMode(AnnotationMode.MASK).build();
        LabelClass box = LabelClass.newBuilder(mask).setClassIndex(1).setLabelId("B").setAnnotationMode(AnnotationMode.BBOX).build();
        ModelRequest r = new ModelRequest("j", List.of(file("s", "a", 1)), List.of(), List.of(mask, box), Map.of());
        // 2x2 maps, upsampled to the 4x4 frame: channel 0 lights the top-left quarter; channel 1 two opposite corners.
        float[] values = {0.9f, 0.1f, 0.1f, 0.1f, 0.7f, 0.1f, 0.1f, 0.95f};
        HeadValues head = new HeadValues("m", HeadKind.SEGMENTATION, 2, List.of(new FileValues(2, 2, List.of(values))));
        List<ModelOutput> out = TensorPostprocessor.outputs(r, List.of(head), PostprocessSettings.from(Map.of()));
        assertThat(out).hasSize(3);
        MaskData m = (MaskData) out.get(0).data();
        assertThat(m.pixels()).containsExactly(1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(out.get(0).probability()).isCloseTo(0.9, within(1e-6));
        assertThat(out.get(1).data()).isEqualTo(new BoxData(0, 0, 2, 2));
        assertThat(out.get(2).data()).isEqualTo(new BoxData(2, 2, 2, 2));
        assertThat(out.get(2).probability()).isCloseTo(0.95, within(1e-6));
        assertThat(out).allSatisfy(o -> assertThat(o.frameNumber()).isNull());
    }

    @Test
    void shouldGiveNoneForAnInstanceWithoutFindings() {
        ModelRequest r = new ModelRequest("j", List.of(file("s", "a", 2)), List.of(), List.of(), Map.of());
        HeadValues head = new HeadValues("m", HeadKind.SEGMENTATION, 1, List.of(new FileValues(1, 1, List.of(new float[] {0.2f}, new float[] {0.4f}))));
        List<ModelOutput> out = TensorPostprocessor.outputs(r, List.of(head), PostprocessSettings.from(Map.of()));
        assertThat(out).singleElement().satisfies(o -> {
            assertThat(o.type()).isEqualTo(OutputType.NONE);
            assertThat(o.instanceUid()).isEqualTo("a");
        });
    }

    @Test
    void shouldNumberFramesOfMultiFrameInstances() {
        ModelRequest r = new ModelRequest("j", List.of(file("s", "a", 2)), List.of(), List.of(), Map.of(PostprocessSettings.MASK_THRESHOLD, "0.3"));
        HeadValues head = new HeadValues("m", HeadKind.SEGMENTATION, 1, List.of(new FileValues(1, 1, List.of(new float[] {0.2f}, new float[] {0.4f}))));
        List<ModelOutput> out = TensorPostprocessor.outputs(r, List.of(head), PostprocessSettings.from(r.args()));
        assertThat(out).singleElement().satisfies(o -> assertThat(o.frameNumber()).isEqualTo(1));
    }
}
