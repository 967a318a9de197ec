package io.radflow.dicom;

import io.radflow.dicom.DicomReadException.Problem;
import java.nio.ByteBuffer;

/**
 * Turns a native frame into modality values: each stored sample is extracted from its bits
 * (Bits Stored at High Bit, sign-extended when Pixel Representation is 1) and rescaled with
 * Rescale Slope and Intercept (Hounsfield units for CT). Handles 1, 8, 16 and 32 bits allocated,
 * signed and unsigned, little and big endian, interleaved and planar samples. The Modality LUT
 * Sequence and YBR 4:2:2 subsampling are not supported (clear error).
 */
public final class FrameDecoder {

    private FrameDecoder() {
    }

    /**
     * Modality values of every sample, pixel-major and interleaved whatever the planar
     * configuration: index {@code (row * columns + column) * samplesPerPixel + sample}.
     */
    public static float[] modalityValues(NativeFrame frame) {
        PixelFormat f = frame.format();
        if (f.samplesPerPixel() == 3 && f.photometricInterpretation().endsWith("_422")) {
            throw new DicomReadException(Problem.UNSUPPORTED, "decoding " + f.photometricInterpretation()
                    + " (chroma subsampled) pixel data is not supported");
        }
        int bits = f.bitsAllocated();
        if (bits != 1 && bits != 8 && bits != 16 && bits != 32) {
            throw new DicomReadException(Problem.UNSUPPORTED, "decoding " + bits + "-bit samples is not supported (1, 8, 16 or 32)");
        }
        int stored = f.bitsStored();
        int high = f.highBit();
        if (stored < 1 || stored > bits || high < stored - 1 || high >= bits) {
            throw new DicomReadException(Problem.MALFORMED, "impossible bit layout: " + stored + " bits stored, high bit "
                    + high + ", " + bits + " bits allocated");
        }
        long count = (long) f.pixelCount() * f.samplesPerPixel();
        if (count > Integer.MAX_VALUE - 16) {
            throw new DicomReadException(Problem.TOO_LARGE, "a frame of " + count + " samples does not fit in one array");
        }
        ByteBuffer data = frame.data().duplicate().order(f.byteOrder());
        if ((count * bits + 7) / 8 > data.remaining()) {
            throw new DicomReadException(Problem.MALFORMED, "frame holds " + data.remaining() + " bytes, fewer than "
                    + count + " samples of " + bits + " bits");
        }
        int n = (int) count;
        int shift = high + 1 - stored;
        long mask = stored == 64 ? -1L : (1L << stored) - 1;
        long signBit = 1L << (stored - 1);
        boolean signed = f.signed() && bits != 1;
        boolean planar = f.planarConfiguration() == 1 && f.samplesPerPixel() > 1;
        int pixels = f.pixelCount();
        int spp = f.samplesPerPixel();
        double slope = f.rescaleSlope();
        double intercept = f.rescaleIntercept();
        int base = data.position();
        float[] out = new float[n];
        for (int k = 0; k < n; k++) {
            long raw = switch (bits) {
                case 1 -> (data.get(base + (k >>> 3)) >>> (k & 7)) & 1;
                case 8 -> data.get(base + k) & 0xFFL;
                case 16 -> data.getShort(base + 2 * k) & 0xFFFFL;
                default -> data.getInt(base + 4 * k) & 0xFFFF_FFFFL;
            };
            long v = (raw >>> shift) & mask;
            if (signed && (v & signBit) != 0) {
                v -= 1L << stored;
            }
            int dest = planar ? (k % pixels) * spp + k / pixels : k;
            out[dest] = (float) (v * slope + intercept);
        }
        return out;
    }
}
