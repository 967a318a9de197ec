package io.radflow.pixels;

import io.radflow.dicom.DicomFile;

/**
 * Decodes the pixel data of any instance the DICOM reader read, whatever its transfer syntax.
 * Failures are {@link io.radflow.common.error.RadflowException}s: {@code UNREADABLE_DICOM} for
 * broken or missing pixel data, {@code UNSUPPORTED_TRANSFER_SYNTAX} (naming the UID) when no
 * codec decodes the syntax. Thread-safe; closing it stops any codec process it started.
 */
public interface PixelDecoder extends AutoCloseable {

    DecodedPixels decode(DicomFile file);

    @Override
    void close();
}
