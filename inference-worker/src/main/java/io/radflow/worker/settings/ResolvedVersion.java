package io.radflow.worker.settings;

import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.worker.runtime.ModelKey;

/** A model version as the worker found it in the model settings, with the model it belongs to. */
public record ResolvedVersion(ModelSettings model, ModelVersion version) {

    public ModelKey key() {
        return new ModelKey(model.getModelId(), version.getVersion());
    }
}
