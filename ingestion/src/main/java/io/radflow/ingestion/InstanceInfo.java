package io.radflow.ingestion;

import io.radflow.dicom.DicomAttributes;
import java.util.Objects;

/**
 * What an upload event says about one instance, whatever the source read it from (the DICOM
 * reader for files, Orthanc's tags for the bridge).
 *
 * @param numberOfFrames 1 when the instance does not say
 */
public record InstanceInfo(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid, String sopClassUid,
                           String modality, Integer instanceNumber, int numberOfFrames, Integer imagesInAcquisition) {

    public InstanceInfo {
        Objects.requireNonNull(studyInstanceUid, "studyInstanceUid");
        Objects.requireNonNull(seriesInstanceUid, "seriesInstanceUid");
        Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
    }

    /** From a file's attributes; the caller checks {@link DicomAttributes#identifiesInstance()} first. */
    public static InstanceInfo of(DicomAttributes a) {
        return new InstanceInfo(a.studyInstanceUid(), a.seriesInstanceUid(), a.sopInstanceUid(), a.sopClassUid(), a.modality(),
                a.instanceNumber(), a.numberOfFrames() == null || a.numberOfFrames() < 1 ? 1 : a.numberOfFrames(),
                a.imagesInAcquisition());
    }
}
