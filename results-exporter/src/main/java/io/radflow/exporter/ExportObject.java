package io.radflow.exporter;

/** One DICOM object ready to store: what it is (SEG, SR, DICOM), its UIDs and its Part 10 bytes. */
public record ExportObject(String kind, String sopClassUid, String sopInstanceUid, String seriesInstanceUid,
        String studyInstanceUid, byte[] bytes) {
}
