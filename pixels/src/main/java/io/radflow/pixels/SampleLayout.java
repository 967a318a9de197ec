package io.radflow.pixels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Rearranges one frame's bytes into the layout {@link DecodedPixels} promises: little endian,
 * samples interleaved, every pixel with all its samples. Used only when the source differs
 * (big endian, planar configuration 1, YBR 4:2:2 subsampling); otherwise frames stay views.
 */
final class SampleLayout {

    private SampleLayout() {
    }

    /**
     * A little-endian, interleaved copy of one frame.
     *
     * @param bytesPerSample 1, 2 or 4
     * @param planar         true when the source holds one plane per sample (planar configuration 1)
     * @param order          byte order of the source samples
     */
    static byte[] interleavedLittleEndian(ByteBuffer frame, int pixels, int samples, int bytesPerSample, boolean planar,
                                          ByteOrder order) {
        ByteBuffer src = frame.duplicate().order(order);
        int base = src.position();
        byte[] out = new byte[pixels * samples * bytesPerSample];
        boolean swap = order == ByteOrder.BIG_ENDIAN && bytesPerSample > 1;
        int n = pixels * samples;
        for (int k = 0; k < n; k++) {
            // k walks the source in order; dest is where that sample lives interleaved
            int dest = planar ? (k % pixels) * samples + k / pixels : k;
            int s = base + k * bytesPerSample;
            int d = dest * bytesPerSample;
            if (swap) {
                for (int b = 0; b < bytesPerSample; b++) {
                    out[d + b] = src.get(s + bytesPerSample - 1 - b);
                }
            } else {
                for (int b = 0; b < bytesPerSample; b++) {
                    out[d + b] = src.get(s + b);
                }
            }
        }
        return out;
    }

    /**
     * YBR 4:2:2 (Y1 Y2 Cb Cr per pair of pixels along a row, PS3.3 C.7.6.3.1.2) expanded to three
     * samples for every pixel, each pixel of a pair taking the pair's chroma; little endian out.
     */
    static byte[] expand422(ByteBuffer frame, int rows, int columns, int bytesPerSample, ByteOrder order) {
        ByteBuffer src = frame.duplicate();
        int base = src.position();
        int pairs = rows * columns / 2;
        byte[] out = new byte[rows * columns * 3 * bytesPerSample];
        boolean swap = order == ByteOrder.BIG_ENDIAN && bytesPerSample > 1;
        int b = bytesPerSample;
        for (int p = 0; p < pairs; p++) {
            int s = base + p * 4 * b;
            int d = p * 6 * b;
            copy(src, s, out, d, b, swap);              // Y1
            copy(src, s + 2 * b, out, d + b, b, swap);  // Cb
            copy(src, s + 3 * b, out, d + 2 * b, b, swap); // Cr
            copy(src, s + b, out, d + 3 * b, b, swap);  // Y2
            copy(src, s + 2 * b, out, d + 4 * b, b, swap);
            copy(src, s + 3 * b, out, d + 5 * b, b, swap);
        }
        return out;
    }

    private static void copy(ByteBuffer src, int s, byte[] out, int d, int n, boolean swap) {
        for (int i = 0; i < n; i++) {
            out[d + i] = src.get(swap ? s + n - 1 - i : s + i);
        }
    }
}
