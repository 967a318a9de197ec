package io.radflow.pixels;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Set;

/**
 * What GDCM 3.0.21's decoded buffer really holds, where that differs from what it reports; each
 * rule was found on real files and is pinned by PixelDecoderReferenceTest (the codec corpus has a
 * file for each, decoded against its source).
 *
 * <ul>
 *   <li>Colour model: a JPEG 2000 decoder undoes the codestream's multiple component transform
 *       (OpenJPEG under GDCM does, and GDCM still reports YBR_RCT or YBR_ICT), so those samples
 *       are RGB; JPEG YBR_FULL_422 comes back upsampled, so YBR_FULL. GDCM does not convert JPEG
 *       YBR_FULL to RGB (dcmtk's YBR_FULL and YBR_FULL_422 baseline files stay YBR).</li>
 *   <li>Uninterleaved JPEG-LS colour comes back as planes while GDCM reports planar
 *       configuration 0.</li>
 *   <li>RLE colour with more than 8 bits per sample comes back with the bytes of each pixel in
 *       the wrong places (GDCM takes the byte segments as if ordered by significance first, not
 *       by sample first as PS3.5 G.2 orders them); pydicom's and dcmtk's RLE agree with the
 *       standard, GDCM's 8-bit and monochrome RLE is right.</li>
 * </ul>
 */
final class GdcmOutput {

    private static final String RLE = "1.2.840.10008.1.2.5";

    private static final Set<String> JPEG_LS = Set.of("1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81");
    private static final Set<String> JPEG_2000 = Set.of("1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91",
            "1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93");

    private GdcmOutput() {
    }

    /**
     * What the decoded samples of a compressed frame are.
     *
     * @param firstFrame the compressed bytes of the first frame (for the JPEG 2000 component transform)
     * @param subsampled true when the decoded buffer still has 4:2:2 size (not upsampled)
     */
    static String decodedModel(String transferSyntaxUid, String declared, int samplesPerPixel, ByteBuffer firstFrame,
                               boolean subsampled) {
        String pi = declared.strip().toUpperCase(Locale.ROOT);
        if (samplesPerPixel != 3) {
            return pi;
        }
        if (isJpeg2000(transferSyntaxUid) && firstFrame != null && jpeg2000UsesComponentTransform(firstFrame)) {
            return "RGB";
        }
        if (pi.equals("YBR_FULL_422") && !subsampled) {
            return "YBR_FULL";
        }
        return pi;
    }

    /**
     * True when a JPEG-LS frame's first scan holds a single component (interleave mode 0): GDCM
     * 3.0.21 then returns the planes one after another while still reporting planar
     * configuration 0 (found on dcmtk's {@code dcmcjpls +in} files; pydicom reads them wrong).
     */
    static boolean jpegLsUninterleaved(String uid, int samplesPerPixel, ByteBuffer firstFrame) {
        if (samplesPerPixel < 2 || firstFrame == null || !JPEG_LS.contains(uid)) {
            return false;
        }
        ByteBuffer b = firstFrame.duplicate();
        for (int i = b.position(); i + 4 < b.limit(); i++) {
            if ((b.get(i) & 0xFF) == 0xFF && (b.get(i + 1) & 0xFF) == 0xDA) {
                return (b.get(i + 4) & 0xFF) == 1; // SOS: Ls(2) Ns(1)
            }
        }
        return false;
    }

    /** True when GDCM's RLE output needs {@link #reorderRleBytes}. */
    static boolean rleBytesMisplaced(String uid, int samplesPerPixel, int bitsAllocated) {
        return RLE.equals(uid) && samplesPerPixel > 1 && bitsAllocated > 8;
    }

    /**
     * Puts every byte of GDCM's RLE colour output where a little-endian interleaved pixel has it.
     * GDCM writes byte {@code j} of a pixel from segment {@code (b - 1 - j / s) * s + j % s}
     * ({@code s} samples of {@code b} bytes); segment {@code t} holds byte {@code t % b} (most
     * significant first) of sample {@code t / b}.
     */
    static void reorderRleBytes(byte[] pixels, int samples, int bytesPerSample) {
        int n = samples * bytesPerSample;
        int[] target = new int[n];
        for (int j = 0; j < n; j++) {
            int segment = (bytesPerSample - 1 - j / samples) * samples + j % samples;
            int sample = segment / bytesPerSample;
            int significance = segment % bytesPerSample; // 0 = most significant
            target[j] = sample * bytesPerSample + (bytesPerSample - 1 - significance);
        }
        byte[] pixel = new byte[n];
        for (int at = 0; at + n <= pixels.length; at += n) {
            for (int j = 0; j < n; j++) {
                pixel[target[j]] = pixels[at + j];
            }
            System.arraycopy(pixel, 0, pixels, at, n);
        }
    }

    static boolean isJpeg2000(String uid) {
        return JPEG_2000.contains(uid);
    }

    /**
     * True when the main header's COD segment of a JPEG 2000 codestream (bare, or inside a JP2
     * file) sets the multiple component transformation, which decoders undo to give RGB.
     */
    static boolean jpeg2000UsesComponentTransform(ByteBuffer data) {
        ByteBuffer b = data.duplicate();
        int start = b.position();
        int end = b.limit();
        int soc = -1;
        // the codestream starts with SOC (FF4F) then SIZ (FF51); in a JP2 file it sits in the jp2c box
        for (int i = start; i + 3 < end && i < start + (1 << 16); i++) {
            if ((b.get(i) & 0xFF) == 0xFF && (b.get(i + 1) & 0xFF) == 0x4F && (b.get(i + 2) & 0xFF) == 0xFF
                    && (b.get(i + 3) & 0xFF) == 0x51) {
                soc = i;
                break;
            }
        }
        if (soc < 0) {
            return false;
        }
        int at = soc + 2;
        while (at + 4 <= end) {
            int marker = ((b.get(at) & 0xFF) << 8) | (b.get(at + 1) & 0xFF);
            int length = ((b.get(at + 2) & 0xFF) << 8) | (b.get(at + 3) & 0xFF);
            if ((marker >>> 8) != 0xFF || marker == 0xFF90 || marker == 0xFF93 || length < 2) {
                return false; // start of tile (or garbage) before any COD
            }
            if (marker == 0xFF52) {
                // COD: Lcod(2) Scod(1) progression(1) layers(2) MCT(1)
                int mct = at + 2 + 2 + 1 + 1 + 2;
                return mct < end && (b.get(mct) & 0xFF) == 1;
            }
            at += 2 + length;
        }
        return false;
    }
}
