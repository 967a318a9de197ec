package io.radflow.worker.preprocess;

import io.radflow.worker.runtime.ImageGeometry;

/**
 * The worker's only door to DICOM parsing: header geometry for every runtime (the validator
 * checks outputs against it) and modality values for runtimes that build tensors themselves.
 * Both throw a {@link io.radflow.common.error.RadflowException} with reason
 * {@code UNREADABLE_DICOM} and a message that says what is wrong.
 */
public interface DicomImages {

    ImageGeometry geometry(byte[] dicom);

    DecodedImage decode(byte[] dicom);
}
