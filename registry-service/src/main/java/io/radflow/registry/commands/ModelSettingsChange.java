package io.radflow.registry.commands;

import io.radflow.schemas.avro.Cloneability;
import io.radflow.schemas.avro.ExportAudience;
import io.radflow.schemas.avro.ModelFileType;
import io.radflow.schemas.avro.ModelLibrary;
import io.radflow.schemas.avro.Visibility;

/**
 * Settings a request sets on a model; null leaves a setting as it is (or at its default when the
 * model is created). {@code activeVersion} is only applied when {@code setActiveVersion} is true,
 * because null is a meaningful value there (auto-run uses the latest version).
 */
public record ModelSettingsChange(ModelLibrary library, ModelFileType fileType, String description,
                                  Visibility visibility, Boolean autoRun, Boolean exportable,
                                  ExportAudience exportAudience, Cloneability cloneable,
                                  boolean setActiveVersion, Integer activeVersion) {

    public static final ModelSettingsChange NONE = new ModelSettingsChange(null, null, null, null, null, null, null, null, false, null);

    public ModelSettingsChange withLibrary(ModelLibrary lib, ModelFileType type) {
        return new ModelSettingsChange(lib != null ? lib : library, type != null ? type : fileType, description, visibility,
                autoRun, exportable, exportAudience, cloneable, setActiveVersion, activeVersion);
    }

    public ModelSettingsChange withVisibility(Visibility v) {
        return v == null ? this : new ModelSettingsChange(library, fileType, description, v, autoRun, exportable,
                exportAudience, cloneable, setActiveVersion, activeVersion);
    }
}
