package io.radflow.pixels.render;

import io.radflow.dicom.DicomFile;
import io.radflow.pixels.DecodedPixels;

/** Renders one frame as the pre-processing sees it: 8-bit, after the modality LUT and the VOI window. */
public final class FrameRenderer {

    private FrameRenderer() {
    }

    /**
     * PNG bytes of frame {@code frameIndex} (zero-based): greyscale for monochrome images
     * (MONOCHROME1 inverted), RGB for colour ones.
     *
     * @param window null: the file's first window, else the frame's range
     */
    public static byte[] png(DicomFile file, DecodedPixels pixels, int frameIndex, Window window) {
        throw new UnsupportedOperationException("not yet built");
    }

    /** A VOI window (DICOM PS3.3 C.11.2.1.2). */
    public record Window(double center, double width) {
    }
}
