package io.radflow.dicom;

import java.nio.ByteBuffer;

/**
 * One frame of native (uncompressed) pixel data, as stored: {@code data} is a read-only view of
 * the input (no copy) positioned at the frame's first byte, in {@code format.byteOrder()}.
 * {@link FrameDecoder#modalityValues(NativeFrame)} turns it into numbers.
 *
 * @param index zero-based frame number
 */
public record NativeFrame(int index, PixelFormat format, ByteBuffer data) {

    public NativeFrame {
        data = data.asReadOnlyBuffer().order(format.byteOrder());
    }

    /** A copy of the frame's bytes. */
    public byte[] bytes() {
        byte[] out = new byte[data.remaining()];
        data.duplicate().get(out);
        return out;
    }
}
