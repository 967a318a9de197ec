package io.radflow.worker.runtime;

import java.util.Objects;

/**
 * One entry of MD.ai's {@code files} input: the content of one instance with its UIDs.
 *
 * @param geometry rows, columns and frames read from the DICOM header; the validator checks
 *                 output masks and frame numbers against it
 */
public record ModelFile(String studyUid, String seriesUid, String instanceUid, String contentType, byte[] content,
                        ImageGeometry geometry) {

    public ModelFile {
        Objects.requireNonNull(studyUid, "studyUid");
        Objects.requireNonNull(seriesUid, "seriesUid");
        Objects.requireNonNull(instanceUid, "instanceUid");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(geometry, "geometry");
    }
}
