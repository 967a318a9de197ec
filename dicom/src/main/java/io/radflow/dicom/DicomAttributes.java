package io.radflow.dicom;

import java.util.List;

/**
 * The attributes of a DICOM instance that the pipeline uses, read from the top-level data set
 * (values inside sequences, such as Enhanced multi-frame functional groups, are not consulted).
 * Absent or empty attributes are null (empty lists for the window values); text has its padding
 * removed. A value the reader cannot parse as the number it must be fails the read instead.
 *
 * @param transferSyntaxUid the declared transfer syntax, or the native one deduced from the data
 *                          set when the file has no file meta information
 * @param numberOfFrames    (0028,0008) as written; {@link DicomFile#numberOfFrames()} applies the default of 1
 * @param windowCenter      (0028,1050), all values (one per VOI window)
 * @param windowWidth       (0028,1051), all values
 * @param bodyPartExamined  (0018,0015) as written (a Code String, upper case by the standard, not always in practice)
 */
public record DicomAttributes(
        String transferSyntaxUid,
        String sopClassUid,
        String sopInstanceUid,
        String studyInstanceUid,
        String seriesInstanceUid,
        String modality,
        Integer instanceNumber,
        Integer numberOfFrames,
        Integer rows,
        Integer columns,
        Integer bitsAllocated,
        Integer bitsStored,
        Integer highBit,
        Integer pixelRepresentation,
        Integer samplesPerPixel,
        String photometricInterpretation,
        Integer planarConfiguration,
        Double rescaleSlope,
        Double rescaleIntercept,
        List<Double> windowCenter,
        List<Double> windowWidth,
        Integer imagesInAcquisition,
        String seriesDescription,
        String studyDescription,
        String bodyPartExamined) {

    public DicomAttributes {
        windowCenter = List.copyOf(windowCenter);
        windowWidth = List.copyOf(windowWidth);
    }

    /** True when the three UIDs that place an instance in a study and series are all present. */
    public boolean identifiesInstance() {
        return studyInstanceUid != null && seriesInstanceUid != null && sopInstanceUid != null;
    }
}
