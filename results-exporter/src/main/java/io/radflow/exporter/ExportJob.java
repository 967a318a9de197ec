package io.radflow.exporter;

import io.radflow.schemas.avro.CodedConcept;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.Prediction;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One finished job as the DICOM builders see it: who made the results (model name and version),
 * the version's label classes, the job's predictions and the headers of the source instances
 * they name (by SOP instance UID). {@code completedAt} dates the objects, so that the same job
 * always yields the same bytes.
 */
public record ExportJob(String jobId, String projectId, String modelId, String modelName, int modelVersion,
        String studyInstanceUid, List<LabelClass> labels, List<Prediction> predictions,
        Map<String, SourceImage> sources, Instant completedAt) {

    /** Segmented property category when a label names none (documented in the module's DESIGN.md). */
    public static final CodedConcept DEFAULT_CATEGORY = new CodedConcept("49755003", "SCT", "Morphologically Abnormal Structure");
    /** Segmented property type when a label names none. */
    public static final CodedConcept DEFAULT_TYPE = new CodedConcept("52988006", "SCT", "Lesion");
    /** Coding scheme of concepts Radflow names itself (a label without a type code, probability). */
    public static final String PRIVATE_SCHEME = "99RADFLOW";

    public ExportJob {
        labels = List.copyOf(labels);
        predictions = List.copyOf(predictions);
        sources = Map.copyOf(sources);
    }

    public Optional<LabelClass> label(Integer classIndex) {
        if (classIndex == null) {
            return Optional.empty();
        }
        return labels.stream().filter(l -> l.getClassIndex() == classIndex).findFirst();
    }

    /** The model as people name it in the objects: "name version N". */
    public String algorithmName() {
        return modelName + " version " + modelVersion;
    }

    /** The source instance a prediction names, or a clear failure. */
    SourceImage source(Prediction p) {
        SourceImage source = p.getSopInstanceUid() == null ? null : sources.get(p.getSopInstanceUid());
        if (source == null) {
            throw new ExportException(io.radflow.common.error.Reason.EXPORT_INVALID_RESULT, "prediction " + p.getPredictionId()
                    + " names instance " + p.getSopInstanceUid() + ", which is not among the job's source instances");
        }
        return source;
    }
}
