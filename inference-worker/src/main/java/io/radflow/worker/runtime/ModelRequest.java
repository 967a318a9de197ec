package io.radflow.worker.runtime;

import io.radflow.schemas.avro.LabelClass;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The input of one job in MD.ai's shape: {@code files}, {@code annotations}, {@code label_classes}
 * and {@code args}. Every runtime receives the same shape: ONNX decodes the files itself, a Python
 * package gets them as they are, an HTTP model gets them re-encoded.
 *
 * @param annotations existing annotations on the files (MD.ai passes them to models); jobs do not
 *                    carry any yet, so this is empty until a source for them exists
 * @param args        the version's default args overlaid with the job's args
 */
public record ModelRequest(String jobId, List<ModelFile> files, List<ModelOutput> annotations,
                           List<LabelClass> labelClasses, Map<String, String> args) {

    public ModelRequest {
        Objects.requireNonNull(jobId, "jobId");
        files = List.copyOf(files);
        annotations = List.copyOf(annotations);
        labelClasses = List.copyOf(labelClasses);
        args = Map.copyOf(args);
    }
}
