package io.radflow.pixels;

import io.radflow.dicom.DicomFile;

/**
 * Decodes the pixel data of any instance the DICOM reader read, whatever its transfer syntax.
 * Failures are {@link io.radflow.common.error.RadflowException}s: {@code UNREADABLE_DICOM} for
 * broken or missing pixel data (also when the codec crashed, hung past its time limit, or the
 * instance exceeds the decoded-size limit), {@code UNSUPPORTED_TRANSFER_SYNTAX} (naming the UID)
 * when no codec decodes the syntax; {@code BAD_CONFIG} or {@code RUNTIME_UNAVAILABLE} when the
 * codec processes cannot run here at all ({@link PixelDecodeException#problem()} says which).
 * Thread-safe; closing it stops any codec process it started. See pixels/DESIGN.md.
 */
public interface PixelDecoder extends AutoCloseable {

    DecodedPixels decode(DicomFile file);

    @Override
    void close();
}
