package io.radflow.exporter;

import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.CodedConcept;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.schemas.avro.Mask;
import io.radflow.schemas.avro.OutputType;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.Provenance;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/** Jobs over real source instances (pydicom's test files) for the builder tests. */
final class ExportFixtures {

    static final Instant DONE = Instant.parse("2026-12-04T10:15:30.123Z");
    static final Path CT = DicomChecks.PYDICOM_FILES.resolve("CT_small.dcm");
    static final Path SC_TWO_FRAMES = DicomChecks.PYDICOM_FILES.resolve("SC_rgb_rle_2frame.dcm");
    static final Path SC_SMALL = DicomChecks.PYDICOM_FILES.resolve("SC_rgb_small_odd.dcm");
    static final Path RT_DOSE = DicomChecks.PYDICOM_FILES.resolve("rtdose.dcm");

    static final LabelClass LIVER = label(0, "L_liver", "Liver", AnnotationMode.MASK,
            new CodedConcept("123037004", "SCT", "Anatomical Structure"), new CodedConcept("10200004", "SCT", "Liver"));
    static final LabelClass LESION = label(1, "L_lesion", "Lesion", AnnotationMode.MASK, null, null);
    static final LabelClass NODULE = label(2, "L_nodule", "Nodule", AnnotationMode.BBOX, null, null);
    static final LabelClass OUTLINE = label(3, "L_outline", "Outline", AnnotationMode.POLYGON, null,
            new CodedConcept("27925004", "SCT", "Nodule"));
    static final LabelClass RULER = label(4, "L_ruler", "Ruler", AnnotationMode.LINE, null, null);
    static final LabelClass CENTRE = label(5, "L_centre", "Centre", AnnotationMode.LOCATION, null, null);
    static final LabelClass NORMAL = label(6, "L_normal", "Normal", null, null, null);
    static final List<LabelClass> LABELS = List.of(LIVER, LESION, NODULE, OUTLINE, RULER, CENTRE, NORMAL);

    private ExportFixtures() {
    }

    static LabelClass label(int index, String id, String name, AnnotationMode mode, CodedConcept category, CodedConcept type) {
        return LabelClass.newBuilder().setClassIndex(index).setLabelId(id).setName(name)
                .setType(mode == null ? LabelType.GLOBAL : LabelType.LOCAL).setScope(Scope.INSTANCE).setAnnotationMode(mode)
                .setDicomCategory(category).setDicomType(type).build();
    }

    static SourceImage source(Path file) throws IOException {
        return SourceImage.read(Files.readAllBytes(file));
    }

    static Mask mask(int rows, int columns, IntPredicate set) {
        byte[] pixels = new byte[rows * columns];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (set.test(i) ? 1 : 0);
        }
        return new Mask(rows, columns, ByteBuffer.wrap(pixels));
    }

    static Prediction prediction(String jobId, int index, SourceImage source, Integer frame, Integer classIndex, Object data,
            Object probability) {
        return Prediction.newBuilder().setPredictionId(jobId + ":" + index).setJobId(jobId).setProjectId("project-1")
                .setDatasetId("dataset-1").setModelId("model-1").setModelVersion(3).setOutputIndex(index)
                .setType(OutputType.ANNOTATION).setStudyInstanceUid(source.studyInstanceUid())
                .setSeriesInstanceUid(source.seriesInstanceUid()).setSopInstanceUid(source.sopInstanceUid())
                .setFrameNumber(frame).setClassIndex(classIndex)
                .setLabelId(classIndex == null || classIndex >= LABELS.size() ? null : LABELS.get(classIndex).getLabelId())
                .setData(data).setProbability(probability)
                .setProvenance(Provenance.newBuilder().setWorkerId("worker-1").setRuntime(RuntimeKind.ONNX)
                        .setDevice(Device.CPU).setUploadedAt(DONE).setJobCreatedAt(DONE).setStartedAt(DONE)
                        .setCompletedAt(DONE).build())
                .build();
    }

    static ExportJob job(String jobId, List<Prediction> predictions, SourceImage... sources) {
        Map<String, SourceImage> bySop = new java.util.LinkedHashMap<>();
        for (SourceImage s : sources) {
            bySop.put(s.sopInstanceUid(), s);
        }
        return new ExportJob(jobId, "project-1", "model-1", "liver-ai", 3, sources[0].studyInstanceUid(), LABELS, predictions,
                bySop, DONE);
    }
}
