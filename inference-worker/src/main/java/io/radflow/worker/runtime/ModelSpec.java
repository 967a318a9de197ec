package io.radflow.worker.runtime;

import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.HttpEndpoint;
import io.radflow.schemas.avro.InputType;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a runtime needs to load one model version, taken from the version's settings.
 *
 * @param artifactFile   the verified artifact file (ONNX file, MD.ai package zip); null for HTTP models
 * @param artifactSha256 its SHA-256, as the registry recorded it and the worker checked it; null without artifact
 * @param httpEndpoint   the external model's endpoint; null unless the runtime is HTTP
 * @param maxBatchSize   the version's batch limit; runtimes never receive more requests at once
 */
public record ModelSpec(ModelKey key, RuntimeKind runtime, Device device, Scope scope, InputType inputType,
                        Path artifactFile, String artifactSha256, HttpEndpoint httpEndpoint,
                        List<LabelClass> labelClasses, Map<String, String> defaultArgs, int maxBatchSize) {

    public ModelSpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(runtime, "runtime");
        labelClasses = List.copyOf(labelClasses);
        defaultArgs = Map.copyOf(defaultArgs);
    }
}
