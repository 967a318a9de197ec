/**
 * Radflow's DICOM reader: {@link io.radflow.dicom.DicomReader} reads Part 10 files (and bare data
 * sets) into a {@link io.radflow.dicom.DicomFile} with the pipeline's
 * {@link io.radflow.dicom.DicomAttributes}, native frames ({@link io.radflow.dicom.NativeFrame},
 * decoded to modality values by {@link io.radflow.dicom.FrameDecoder}) and located encapsulated
 * fragments ({@link io.radflow.dicom.EncapsulatedPixelData}). Every failure is a
 * {@link io.radflow.dicom.DicomReadException} with reason UNREADABLE_DICOM.
 */
package io.radflow.dicom;
