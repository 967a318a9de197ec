package io.radflow.content;

import io.radflow.common.cli.DevStackState;
import io.radflow.common.config.ConfigDefinition;
import io.radflow.common.config.ConfigKey;
import io.radflow.common.config.ConfigType;
import java.nio.file.Path;
import java.util.List;

/**
 * Where claim-checked bytes live. Uploaders write DICOM content, the registry writes model
 * artifacts, and workers read both; in one deployment they must agree on these directories (a
 * shared volume), or use URIs that every reader can fetch (DICOMweb, Orthanc).
 */
public final class StorageConfig {

    private StorageConfig() {
    }

    public static final ConfigKey<Path> CONTENT_STORE_DIR = ConfigKey.of("content.store.dir", ConfigType.PATH,
            DevStackState.home().resolve(".radflow").resolve("content"),
            "Directory of the content-addressed DICOM content store (file: URIs in upload events point here).");

    public static final ConfigKey<Path> ARTIFACT_STORE_DIR = ConfigKey.of("artifact.store.dir", ConfigType.PATH,
            DevStackState.home().resolve(".radflow").resolve("artifacts"),
            "Directory of the content-addressed model artifact store (ONNX files, MD.ai package zips).");

    public static final ConfigDefinition DEFINITION = ConfigDefinition.of("storage", List.of(CONTENT_STORE_DIR, ARTIFACT_STORE_DIR));
}
