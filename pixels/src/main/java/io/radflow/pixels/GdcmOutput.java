package io.radflow.pixels;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Set;

/**
 * The colour model of decoded samples, which is not always the file's photometric
 * interpretation: a JPEG 2000 decoder undoes the codestream's multiple component transform
 * (OpenJPEG under GDCM does, whatever the header says, and GDCM still reports YBR_RCT or
 * YBR_ICT), and a JPEG decoder upsamples YBR_FULL_422 chroma to full YBR_FULL. GDCM does not
 * convert JPEG YBR_FULL to RGB (checked on dcmtk's YBR_FULL and YBR_FULL_422 baseline files),
 * so those stay YBR.
 */
final class ColourModels {

    private static final Set<String> JPEG_2000 = Set.of("1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91",
            "1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93");

    private ColourModels() {
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
