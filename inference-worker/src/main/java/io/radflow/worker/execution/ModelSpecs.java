package io.radflow.worker.execution;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.InputType;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.worker.runtime.ArtifactVerifier;
import io.radflow.worker.runtime.ModelSpec;
import io.radflow.worker.settings.ResolvedVersion;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a version's settings into a {@link ModelSpec}, verifying the artifact once per version
 * (hashing a large model on every batch would cost more than running it).
 */
final class ModelSpecs {

    private final ArtifactVerifier artifacts;
    private final Map<ModelVersion, ModelSpec> specs = new ConcurrentHashMap<>();

    ModelSpecs(ArtifactVerifier artifacts) {
        this.artifacts = artifacts;
    }

    ModelSpec spec(ResolvedVersion resolved) {
        ModelSpec spec = specs.get(resolved.version());
        if (spec == null) {
            spec = build(resolved);
            if (specs.size() > 1_000) {
                specs.clear();
            }
            specs.put(resolved.version(), spec);
        }
        return spec;
    }

    private ModelSpec build(ResolvedVersion resolved) {
        ModelVersion v = resolved.version();
        if (v.getInputType() != InputType.DICOM && v.getRuntime() != RuntimeKind.MDAI_PYTHON) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "input type " + v.getInputType() + " is for MD.ai packages; "
                    + v.getRuntime() + " versions take DICOM input");
        }
        Path artifact = null;
        String sha = null;
        if (v.getRuntime() != RuntimeKind.HTTP) {
            if (v.getArtifact() == null) {
                throw new RadflowException(Reason.MODEL_LOAD_FAILED, "version " + resolved.key() + " has runtime "
                        + v.getRuntime() + " but no artifact");
            }
            artifact = artifacts.verified(v.getArtifact());
            sha = v.getArtifact().getSha256();
        }
        return new ModelSpec(resolved.key(), v.getRuntime(), v.getDevice(), v.getScope(), v.getInputType(), artifact, sha,
                v.getHttpEndpoint(), v.getLabelClasses(), v.getDefaultArgs(), Math.max(1, v.getBatching().getMaxBatchSize()));
    }
}
