package io.radflow.worker.preprocess;

import io.radflow.pixels.image.ImageFrame;
import io.radflow.worker.runtime.ImageGeometry;
import java.util.List;

/**
 * The pixel data of one instance, one {@link ImageFrame} per frame: modality values for
 * monochrome images, RGB for colour ones, whatever the transfer syntax it arrived in.
 */
public record DecodedImage(ImageGeometry geometry, List<ImageFrame> frames) {

    public DecodedImage {
        frames = List.copyOf(frames);
        if (frames.size() != geometry.frames()) {
            throw new IllegalArgumentException("expected " + geometry.frames() + " frames, got " + frames.size());
        }
        for (ImageFrame f : frames) {
            if (f.rows() != geometry.rows() || f.columns() != geometry.columns()) {
                throw new IllegalArgumentException("frame is " + f.rows() + "x" + f.columns() + ", expected "
                        + geometry.rows() + "x" + geometry.columns());
            }
        }
    }
}
