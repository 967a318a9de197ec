package io.radflow.worker.postprocess;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.schemas.avro.OutputType;
import io.radflow.schemas.avro.Scope;
import io.radflow.worker.runtime.ImageGeometry;
import io.radflow.worker.runtime.ModelFile;
import io.radflow.worker.runtime.ModelOutput;
import io.radflow.worker.runtime.ModelOutput.ClassScore;
import io.radflow.worker.runtime.ModelRequest;
import io.radflow.worker.runtime.OutputData;
import io.radflow.worker.runtime.OutputData.BoxData;
import io.radflow.worker.runtime.OutputData.MaskData;
import io.radflow.worker.runtime.OutputData.PointData;
import io.radflow.worker.runtime.OutputData.VerticesData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputValidatorTest {

    private static LabelClass label(int index, LabelType type, Scope scope, AnnotationMode mode) {
        return LabelClass.newBuilder().setClassIndex(index).setLabelId("L" + index).setName("n" + index).setType(type)
                .setScope(scope).setAnnotationMode(mode).build();
    }

    private static final List<LabelClass> LABELS = List.of(
            label(0, LabelType.GLOBAL, Scope.STUDY, null),
            label(1, LabelType.GLOBAL, Scope.SERIES, null),
            label(2, LabelType.LOCAL, Scope.INSTANCE, AnnotationMode.MASK),
            label(3, LabelType.LOCAL, Scope.INSTANCE, AnnotationMode.BBOX),
            label(4, LabelType.LOCAL, Scope.INSTANCE, AnnotationMode.POLYGON),
            label(5, LabelType.LOCAL, Scope.INSTANCE, AnnotationMode.LOCATION),
            label(6, LabelType.GLOBAL, Scope.INSTANCE, null));

    private final OutputValidator validator = new OutputValidator(new ModelRequest("job", List.of(
            new ModelFile("st", "se1", "i1", "application/dicom", new byte[0], new ImageGeometry(4, 6, 1)),
            new ModelFile("st", "se2", "i2", "application/dicom", new byte[0], new ImageGeometry(4, 6, 3))),
            List.of(), LABELS, Map.of()), "st");

    private static ModelOutput out(String series, String instance, Integer frame, int classIndex, OutputData data) {
        return ModelOutput.annotation("st", series, instance, frame, classIndex, data, null, null);
    }

    private void rejects(ModelOutput o, String message) {
        assertThatThrownBy(() -> validator.validate(List.of(o))).isInstanceOfSatisfying(RadflowException.class,
                e -> org.assertj.core.api.Assertions.assertThat(e.reason()).isEqualTo(Reason.INVALID_OUTPUT)).hasMessageContaining(message);
    }

    @Test
    void shouldAcceptOutputsThatFitTheirLabels() {
        assertThatCode(() -> validator.validate(List.of(
                out(null, null, null, 0, null),
                out("se1", null, null, 1, null),
                out("se2", "i2", 2, 2, new MaskData(4, 6, new byte[24])),
                out("se1", "i1", null, 3, new BoxData(1, 1, 5, 3)),
                out("se1", "i1", null, 4, new VerticesData(List.of(new PointData(0, 0), new PointData(6, 0), new PointData(3, 4)))),
                out("se1", "i1", null, 5, new PointData(2, 2)),
                ModelOutput.annotation("st", "se1", "i1", null, 6, null, null, List.of(new ClassScore(6, 0.9), new ClassScore(0, 0.1))),
                ModelOutput.none("st", "se1", "i1")))).doesNotThrowAnyException();
    }

    @Test
    void shouldRejectAClassIndexOutsideTheLabels() {
        rejects(out(null, null, null, 9, null), "class index 9 is not among the version's label classes [0, 1, 2, 3, 4, 5, 6]");
    }

    private static ModelOutput dicom(Integer classIndex, OutputData data) {
        return new ModelOutput(OutputType.DICOM, "st", "se1", "i1", null, classIndex, data, null, null, null, List.of(), new byte[] {1});
    }

    @Test
    void shouldHoldADerivedDicomToTheLabelsToo() {
        assertThatCode(() -> validator.validate(List.of(dicom(null, null), dicom(2, null)))).doesNotThrowAnyException();
        rejects(dicom(99, null), "class index 99 is not among the version's label classes");
        rejects(dicom(2, new PointData(1, 1)), "type DICOM carries annotation data");
    }

    @Test
    void shouldRejectProbabilitiesOfUnknownClassesOrOutOfRange() {
        rejects(ModelOutput.annotation("st", "se1", "i1", null, 6, null, null, List.of(new ClassScore(7, 0.5))), "class index 7");
        rejects(ModelOutput.annotation("st", "se1", "i1", null, 6, null, 1.5, null), "probability 1.5 is not in [0, 1]");
        rejects(ModelOutput.annotation("st", "se1", "i1", null, 6, null, Double.NaN, null), "is not in [0, 1]");
    }

    @Test
    void shouldRejectMissingUidsTheScopeNeeds() {
        rejects(out(null, null, null, 1, null), "scope SERIES and needs a series UID");
        rejects(out("se1", null, null, 6, null), "scope INSTANCE and needs an instance UID");
        rejects(out("se1", null, null, 3, new BoxData(0, 0, 1, 1)), "needs an instance UID");
        rejects(new ModelOutput(OutputType.NONE, null, null, null, null, null, null, null, null, null, List.of(), null), "study UID is missing");
    }

    @Test
    void shouldRejectUidsThatDoNotBelongToTheJob() {
        rejects(ModelOutput.annotation("other", null, null, null, 0, null, null, null), "not the job's study st");
        rejects(out("se9", null, null, 1, null), "series UID se9 is not a series of the job");
        rejects(out("se1", "i9", null, 6, null), "instance UID i9 is not an instance of the job");
        rejects(out("se1", "i2", null, 6, null), "belongs to series se2");
    }

    @Test
    void shouldRejectDataThatDoesNotMatchTheAnnotationMode() {
        rejects(out("se1", "i1", null, 6, new PointData(1, 1)), "GLOBAL and takes no data");
        rejects(out("se1", "i1", null, 2, null), "LOCAL (MASK) and needs data");
        rejects(out("se1", "i1", null, 2, new BoxData(0, 0, 1, 1)), "has mode MASK, got a bounding box");
        rejects(out("se1", "i1", null, 3, new MaskData(4, 6, new byte[24])), "has mode BBOX, got a mask");
        rejects(out("se1", "i1", null, 4, new VerticesData(List.of(new PointData(0, 0), new PointData(1, 1)))), "at least 3 vertices");
    }

    @Test
    void shouldRejectMasksThatDoNotFitTheFrame() {
        rejects(out("se1", "i1", null, 2, new MaskData(10, 10, new byte[100])), "mask is 10x10 but the frame is 4x6");
        rejects(out("se1", "i1", null, 2, new MaskData(4, 6, new byte[23])), "mask has 23 bytes for 4x6 pixels");
        byte[] two = new byte[24];
        two[5] = 2;
        rejects(out("se1", "i1", null, 2, new MaskData(4, 6, two)), "mask pixels must be 0 or 1, found 2");
    }

    @Test
    void shouldRejectGeometryOutsideTheFrameAndFramesOutOfRange() {
        rejects(out("se1", "i1", null, 3, new BoxData(2, 2, 5, 1)), "outside the 6x4 frame");
        rejects(out("se1", "i1", null, 3, new BoxData(0, 0, 0, 1)), "is empty");
        rejects(out("se1", "i1", null, 5, new PointData(7, 1)), "outside the frame");
        rejects(out("se2", "i2", 3, 2, new MaskData(4, 6, new byte[24])), "frame number 3 is out of range: instance i2 has 3 frame(s)");
    }

    @Test
    void shouldNameTheOffendingOutput() {
        assertThatThrownBy(() -> validator.validate(List.of(ModelOutput.none("st", "se1", "i1"), out(null, null, null, 9, null))))
                .hasMessageStartingWith("output 1 of 2:");
    }
}
