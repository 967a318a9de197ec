package io.radflow.dicomtools;

import io.radflow.dicom.DicomReadException;
import io.radflow.dicom.DicomReadException.Problem;
import io.radflow.dicom.NativeFrame;
import io.radflow.dicom.PixelFormat;
import io.radflow.pixels.DecodedPixels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;

/**
 * A frame's stored values, after decompression and before any LUT, as a NumPy array: what
 * {@code ./radflow dicom render --raw} writes, and what pydicom's {@code pixel_array} gives.
 *
 * <p>Each sample is taken from its bits as {@link io.radflow.dicom.FrameDecoder} does (Bits Stored
 * ending at High Bit, sign-extended when Pixel Representation is 1), in the file's own type: uint8
 * or int8 for 8 bits allocated, uint16/int16 for 16, uint32/int32 for 32, and uint8 (0 or 1) for
 * 1-bit data. Monochrome frames are {@code (rows, columns)}, colour ones
 * {@code (rows, columns, samples)} with the samples of a pixel together whatever the planar
 * configuration. YBR_FULL_422 and YBR_PARTIAL_422 samples still subsampled (native data) are
 * spread to every pixel, as pydicom does; no colour model is converted.
 */
public final class StoredValues {

    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    private StoredValues() {
    }

    /** Frame {@code index} (zero-based) of the decoded pixels. */
    public static NpyArray of(DecodedPixels pixels, int index) {
        List<NativeFrame> frames = pixels.frames();
        if (index < 0 || index >= frames.size()) {
            throw new DicomReadException(Problem.INVALID_VALUE, "frame " + (index + 1) + " requested; the instance has "
                    + frames.size() + " frame(s)");
        }
        return of(frames.get(index));
    }

    static NpyArray of(NativeFrame frame) {
        PixelFormat f = frame.format();
        int bits = f.bitsAllocated();
        if (bits != 1 && bits != 8 && bits != 16 && bits != 32) {
            throw new DicomReadException(Problem.UNSUPPORTED, bits + "-bit samples have no NumPy type here (1, 8, 16 or 32)");
        }
        int stored = f.bitsStored();
        int high = f.highBit();
        if (stored < 1 || stored > bits || high < stored - 1 || high >= bits) {
            throw new DicomReadException(Problem.MALFORMED, "impossible bit layout: " + stored + " bits stored, high bit "
                    + high + ", " + bits + " bits allocated");
        }
        int spp = f.samplesPerPixel();
        int pixels = f.pixelCount();
        int itemSize = bits == 1 ? 1 : bits / 8;
        long count = (long) pixels * spp;
        if (count * itemSize > MAX_ARRAY) {
            throw new DicomReadException(Problem.TOO_LARGE, "a frame of " + count + " samples does not fit in one array");
        }
        ByteBuffer data = frame.data().duplicate().order(f.byteOrder());
        String pi = f.photometricInterpretation().strip().toUpperCase(Locale.ROOT);
        long inData = count;
        // Native 4:2:2 data holds Y1 Y2 Cb Cr for each pair of pixels; a codec's output has all three.
        boolean subsampled = spp == 3 && pi.endsWith("_422") && (count * bits + 7) / 8 > data.remaining();
        if (subsampled) {
            inData = count * 2 / 3;
        }
        if ((inData * bits + 7) / 8 > data.remaining()) {
            throw new DicomReadException(Problem.MALFORMED, "frame holds " + data.remaining() + " bytes, fewer than "
                    + inData + " samples of " + bits + " bits");
        }
        boolean signed = f.signed() && bits != 1;
        boolean planar = f.planarConfiguration() == 1 && spp > 1 && !subsampled;
        int shift = high + 1 - stored;
        long mask = (1L << stored) - 1;
        long signBit = 1L << (stored - 1);
        int base = data.position();
        ByteBuffer out = ByteBuffer.allocate((int) (count * itemSize)).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < count; k++) {
            int pixel = k / spp;
            int sample = k % spp;
            int src;
            if (subsampled) {
                int pair = pixel / 2 * 4;
                src = sample == 0 ? pair + pixel % 2 : pair + 1 + sample;
            } else {
                src = planar ? sample * pixels + pixel : k;
            }
            long raw = switch (bits) {
                case 1 -> (data.get(base + (src >>> 3)) >>> (src & 7)) & 1;
                case 8 -> data.get(base + src) & 0xFFL;
                case 16 -> data.getShort(base + 2 * src) & 0xFFFFL;
                default -> data.getInt(base + 4 * src) & 0xFFFF_FFFFL;
            };
            long v = (raw >>> shift) & mask;
            if (signed && (v & signBit) != 0) {
                v -= 1L << stored;
            }
            switch (itemSize) {
                case 1 -> out.put((byte) v);
                case 2 -> out.putShort((short) v);
                default -> out.putInt((int) v);
            }
        }
        String kind = signed ? "i" : "u";
        String descr = (itemSize == 1 ? "|" : "<") + kind + itemSize;
        int[] shape = spp == 1 ? new int[] {f.rows(), f.columns()} : new int[] {f.rows(), f.columns(), spp};
        return new NpyArray(descr, shape, out.array());
    }
}
