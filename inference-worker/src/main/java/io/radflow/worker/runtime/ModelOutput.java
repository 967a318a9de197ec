package io.radflow.worker.runtime;

import io.radflow.schemas.avro.OutputType;
import java.util.List;
import java.util.Objects;

/**
 * One result a model returns, in MD.ai's output shape. Runtimes fill it from whatever the model
 * produced (tensors, msgpack maps, JSON); the worker validates it against the version's label
 * classes and the job before anything is published.
 *
 * @param frameNumber        zero-based frame of a multi-frame instance, or null
 * @param probability        a single probability, or null
 * @param classProbabilities per-class probabilities, or null; at most one of the two is set
 * @param dicom              the derived DICOM object for type DICOM, else null
 */
public record ModelOutput(OutputType type, String studyUid, String seriesUid, String instanceUid, Integer frameNumber,
                          Integer classIndex, OutputData data, Double probability, List<ClassScore> classProbabilities,
                          String note, List<OutputExplanation> explanations, byte[] dicom) {

    public ModelOutput {
        Objects.requireNonNull(type, "type");
        classProbabilities = classProbabilities == null ? null : List.copyOf(classProbabilities);
        explanations = explanations == null ? List.of() : List.copyOf(explanations);
    }

    /** An ANNOTATION without note, explanations or DICOM content. */
    public static ModelOutput annotation(String studyUid, String seriesUid, String instanceUid, Integer frameNumber,
                                         int classIndex, OutputData data, Double probability, List<ClassScore> classProbabilities) {
        return new ModelOutput(OutputType.ANNOTATION, studyUid, seriesUid, instanceUid, frameNumber, classIndex, data,
                probability, classProbabilities, null, List.of(), null);
    }

    /** MD.ai's "nothing found" result for one instance. */
    public static ModelOutput none(String studyUid, String seriesUid, String instanceUid) {
        return new ModelOutput(OutputType.NONE, studyUid, seriesUid, instanceUid, null, null, null, null, null, null,
                List.of(), null);
    }

    /** The probability of one class. */
    public record ClassScore(int classIndex, double probability) {
    }

    /** A named explanation (saliency map, report) attached to an output. */
    public record OutputExplanation(String name, String description, byte[] content, String contentType) {
    }
}
