package io.radflow.pixels;

import io.radflow.dicom.NativeFrame;
import io.radflow.dicom.PixelFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Stored values the test way, independent of {@link io.radflow.dicom.FrameDecoder}: each sample's
 * Bits Stored at High Bit, sign-extended for Pixel Representation 1, as a long (no rescale, no
 * float rounding of 32-bit values).
 */
final class StoredValues {

    private StoredValues() {
    }

    /** Every sample of every frame, in order (frames, rows, columns, samples). */
    static long[] of(DecodedPixels pixels) {
        PixelFormat f = pixels.format();
        int perFrame = f.rows() * f.columns() * f.samplesPerPixel();
        long[] out = new long[perFrame * pixels.frames().size()];
        int k = 0;
        for (NativeFrame frame : pixels.frames()) {
            ByteBuffer data = frame.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
            int base = data.position();
            for (int i = 0; i < perFrame; i++) {
                long raw = switch (f.bitsAllocated()) {
                    case 1 -> (data.get(base + (i >>> 3)) >>> (i & 7)) & 1;
                    case 8 -> Byte.toUnsignedLong(data.get(base + i));
                    case 16 -> Short.toUnsignedLong(data.getShort(base + 2 * i));
                    case 32 -> Integer.toUnsignedLong(data.getInt(base + 4 * i));
                    default -> throw new IllegalStateException(f.bitsAllocated() + " bits allocated");
                };
                out[k++] = extract(raw, f.bitsStored(), f.highBit(), f.pixelRepresentation() == 1);
            }
        }
        return out;
    }

    /** The stored value in a container's bits. */
    static long extract(long raw, int bitsStored, int highBit, boolean signed) {
        long v = (raw >>> (highBit + 1 - bitsStored)) & ((1L << bitsStored) - 1);
        if (signed && bitsStored > 1 && (v & (1L << (bitsStored - 1))) != 0) {
            v -= 1L << bitsStored;
        }
        return v;
    }

    /** A container value (as NumPy holds it, possibly negative) to its raw bits. */
    static long rawBits(long value, int bitsAllocated) {
        return bitsAllocated >= 64 ? value : value & ((1L << Math.max(bitsAllocated, 8)) - 1);
    }
}
