package io.radflow.registry.commands;

import io.radflow.schemas.avro.Artifact;
import io.radflow.schemas.avro.Batching;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.HttpEndpoint;
import io.radflow.schemas.avro.InputType;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.RoutingRules;
import io.radflow.schemas.avro.Scope;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A new version as the request describes it, already validated field by field; the version
 * number, runtime and creation time are decided when it is added to the model.
 *
 * @param device   null: from the MD.ai package's config.yaml, else CPU
 * @param artifact null for HTTP models
 * @param routing  which images the version takes (checked and normalised; empty: every image)
 * @param activate make it the version auto-run uses
 * @param exportResults the results exporter writes this version's finished jobs back as DICOM
 */
public record VersionDraft(Scope scope, InputType inputType, Device device, List<LabelClass> labelClasses,
                           Map<String, String> defaultArgs, Batching batching, HttpEndpoint httpEndpoint,
                           RoutingRules routing, Artifact artifact, boolean activate, boolean exportResults) {

    public VersionDraft {
        Objects.requireNonNull(routing, "routing");
    }

    /** A version that does not ask for export. */
    public VersionDraft(Scope scope, InputType inputType, Device device, List<LabelClass> labelClasses, Map<String, String> defaultArgs,
                        Batching batching, HttpEndpoint httpEndpoint, RoutingRules routing, Artifact artifact, boolean activate) {
        this(scope, inputType, device, labelClasses, defaultArgs, batching, httpEndpoint, routing, artifact, activate, false);
    }

    public VersionDraft withArtifact(Artifact a, Device packageDevice) {
        return new VersionDraft(scope, inputType, device != null ? device : packageDevice, labelClasses, defaultArgs,
                batching, httpEndpoint, routing, a, activate, exportResults);
    }
}
