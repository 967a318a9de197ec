package io.radflow.worker.preprocess;

import io.radflow.worker.runtime.ImageGeometry;
import java.util.List;

/**
 * The pixel data of one instance as modality values (stored value x RescaleSlope +
 * RescaleIntercept), one row-major array per frame, plus the file's first VOI window if it has one.
 *
 * @param windowCenter null when the file has no (usable) window
 * @param windowWidth  null when the file has no (usable) window
 */
public record DecodedImage(ImageGeometry geometry, List<float[]> frames, Double windowCenter, Double windowWidth) {

    public DecodedImage {
        frames = List.copyOf(frames);
        if (frames.size() != geometry.frames()) {
            throw new IllegalArgumentException("expected " + geometry.frames() + " frames, got " + frames.size());
        }
        for (float[] f : frames) {
            if (f.length != geometry.rows() * geometry.columns()) {
                throw new IllegalArgumentException("frame has " + f.length + " values, expected " + geometry.rows() * geometry.columns());
            }
        }
    }
}
