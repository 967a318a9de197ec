package io.radflow.pixels.image;

import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReadException;
import io.radflow.dicom.DicomReadException.Problem;
import io.radflow.dicom.FrameDecoder;
import io.radflow.dicom.NativeFrame;
import io.radflow.dicom.PaletteColorLut;
import io.radflow.dicom.PixelFormat;
import io.radflow.pixels.DecodedPixels;
import java.util.List;
import java.util.Locale;

/**
 * Decoded stored values to {@link ImageFrame}s: the modality rescale for monochrome images, and
 * every colour model to RGB (YBR_FULL and YBR_FULL_422 through the PS3.3 C.7.6.3.1.2 equations,
 * YBR_PARTIAL_* through their partial-range form; YBR_ICT and YBR_RCT are RGB once a JPEG 2000
 * decoder has undone its component transform, which GDCM does; PALETTE COLOR through the file's
 * lookup tables).
 */
public final class ImageFrames {

    private ImageFrames() {
    }

    /** Frame {@code index} (zero-based) of the decoded pixels of {@code file} (which holds a palette, if any). */
    public static ImageFrame of(DicomFile file, DecodedPixels pixels, int index) {
        List<NativeFrame> frames = pixels.frames();
        if (index < 0 || index >= frames.size()) {
            throw new DicomReadException(Problem.INVALID_VALUE, "frame " + (index + 1) + " requested; the instance has "
                    + frames.size() + " frame(s)");
        }
        return of(frames.get(index), file.palette().orElse(null));
    }

    /** Every frame, in order. */
    public static List<ImageFrame> all(DicomFile file, DecodedPixels pixels) {
        PaletteColorLut palette = file.palette().orElse(null);
        return pixels.frames().stream().map(f -> of(f, palette)).toList();
    }

    static ImageFrame of(NativeFrame frame, PaletteColorLut palette) {
        PixelFormat f = frame.format();
        String pi = f.photometricInterpretation().strip().toUpperCase(Locale.ROOT);
        Double center = f.windowCenter().isEmpty() ? null : f.windowCenter().get(0);
        Double width = f.windowWidth().isEmpty() ? null : f.windowWidth().get(0);
        if (center == null || width == null) {
            center = null;
            width = null;
        }
        if (f.samplesPerPixel() == 1) {
            if (pi.equals("PALETTE COLOR")) {
                return applyPalette(frame, palette);
            }
            boolean inverted = pi.equals("MONOCHROME1");
            return new ImageFrame(f.rows(), f.columns(), 1, FrameDecoder.modalityValues(frame), inverted, center, width,
                    maxStored(f));
        }
        if (f.samplesPerPixel() != 3) {
            throw new DicomReadException(Problem.UNSUPPORTED, "images with " + f.samplesPerPixel()
                    + " samples per pixel are not supported (1 or 3)");
        }
        // Colour samples are not rescaled: decode the stored bits only. Decoded pixels are never
        // subsampled (a 4:2:2 frame was upsampled by its decoder), whatever the colour model says.
        PixelFormat stored = new PixelFormat(f.rows(), f.columns(), 3, f.bitsAllocated(), f.bitsStored(), f.highBit(),
                f.pixelRepresentation(), "RGB", f.planarConfiguration(), 1, 0, List.of(), List.of(), f.byteOrder());
        float[] v = FrameDecoder.modalityValues(new NativeFrame(frame.index(), stored, frame.data()));
        double max = maxStored(f);
        switch (pi) {
            case "RGB", "YBR_ICT", "YBR_RCT" -> {
                // already RGB
            }
            case "YBR_FULL", "YBR_FULL_422" -> ybrFullToRgb(v, max);
            case "YBR_PARTIAL_422", "YBR_PARTIAL_420" -> ybrPartialToRgb(v, max);
            default -> throw new DicomReadException(Problem.UNSUPPORTED, "colour model '" + pi + "' is not supported");
        }
        return new ImageFrame(f.rows(), f.columns(), 3, v, false, null, null, max);
    }

    private static ImageFrame applyPalette(NativeFrame frame, PaletteColorLut palette) {
        PixelFormat f = frame.format();
        if (palette == null) {
            throw new DicomReadException(Problem.MALFORMED, "a PALETTE COLOR image without palette colour lookup tables");
        }
        PixelFormat stored = new PixelFormat(f.rows(), f.columns(), 1, f.bitsAllocated(), f.bitsStored(), f.highBit(),
                f.pixelRepresentation(), f.photometricInterpretation(), 0, 1, 0, List.of(), List.of(), f.byteOrder());
        float[] indices = FrameDecoder.modalityValues(new NativeFrame(frame.index(), stored, frame.data()));
        float[] rgb = new float[indices.length * 3];
        for (int i = 0, k = 0; i < indices.length; i++, k += 3) {
            int index = (int) indices[i];
            rgb[k] = palette.lookup(0, index);
            rgb[k + 1] = palette.lookup(1, index);
            rgb[k + 2] = palette.lookup(2, index);
        }
        return new ImageFrame(f.rows(), f.columns(), 3, rgb, false, null, null, Math.pow(2, palette.bits()) - 1);
    }

    private static double maxStored(PixelFormat f) {
        return Math.pow(2, f.bitsStored()) - 1;
    }

    /** PS3.3 C.7.6.3.1.2, full range, generalised from 8 bits to the sample's range. */
    static void ybrFullToRgb(float[] v, double max) {
        double half = (max + 1) / 2;
        for (int i = 0; i + 2 < v.length; i += 3) {
            double y = v[i];
            double cb = v[i + 1] - half;
            double cr = v[i + 2] - half;
            v[i] = clamp(y + 1.402 * cr, max);
            v[i + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr, max);
            v[i + 2] = clamp(y + 1.772 * cb, max);
        }
    }

    /** The partial-range form (Y from 16 to 235, chroma from 16 to 240 at 8 bits). */
    static void ybrPartialToRgb(float[] v, double max) {
        double k = (max + 1) / 256;
        for (int i = 0; i + 2 < v.length; i += 3) {
            double y = 1.164383 * (v[i] - 16 * k);
            double cb = v[i + 1] - 128 * k;
            double cr = v[i + 2] - 128 * k;
            v[i] = clamp(y + 1.596027 * cr, max);
            v[i + 1] = clamp(y - 0.391762 * cb - 0.812968 * cr, max);
            v[i + 2] = clamp(y + 2.017232 * cb, max);
        }
    }

    private static float clamp(double x, double max) {
        return (float) Math.max(0, Math.min(max, Math.round(x)));
    }
}
