package io.radflow.ingestion;

import io.radflow.dicom.DicomAttributes;
import io.radflow.dicom.DicomFile;
import java.util.Objects;

/**
 * What an upload event says about one instance, whatever the source read it from (the DICOM
 * reader for files, Orthanc's tags for the bridge): where it belongs, and what it is, so that the
 * trigger sends image models only images their routing rules take.
 *
 * @param numberOfFrames   1 when the instance does not say
 * @param hasPixelData     whether it holds pixel data (7FE0,0010/0008/0009); null when the source cannot tell
 * @param bodyPartExamined (0018,0015), null when absent
 * @param seriesDescription (0008,103E), null when absent
 */
public record InstanceInfo(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid, String sopClassUid,
                           String modality, Integer instanceNumber, int numberOfFrames, Integer imagesInAcquisition,
                           Boolean hasPixelData, String bodyPartExamined, String seriesDescription) {

    public InstanceInfo {
        Objects.requireNonNull(studyInstanceUid, "studyInstanceUid");
        Objects.requireNonNull(seriesInstanceUid, "seriesInstanceUid");
        Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
    }

    /** From a file as read (header-only reads included); the caller checks {@link DicomAttributes#identifiesInstance()} first. */
    public static InstanceInfo of(DicomFile file) {
        DicomAttributes a = file.attributes();
        return new InstanceInfo(a.studyInstanceUid(), a.seriesInstanceUid(), a.sopInstanceUid(), a.sopClassUid(), a.modality(),
                a.instanceNumber(), file.numberOfFrames(), a.imagesInAcquisition(), file.containsPixelData(),
                a.bodyPartExamined(), a.seriesDescription());
    }
}
