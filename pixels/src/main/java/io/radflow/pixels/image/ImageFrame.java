package io.radflow.pixels.image;

/**
 * One frame ready to be windowed, rendered or fed to a model.
 *
 * <p>Monochrome frames ({@code channels == 1}) hold modality values: stored value x Rescale
 * Slope + Rescale Intercept (Hounsfield units for CT). Colour frames ({@code channels == 3}) hold
 * RGB samples interleaved per pixel, in stored units from 0 to {@link #maxSample()}: YBR was
 * converted and a palette applied, so every colour frame is RGB here.
 *
 * @param inverted     MONOCHROME1: the minimum value is white, so display and model input flip it
 * @param windowCenter the file's first VOI window centre, null when it has none (monochrome only)
 * @param windowWidth  the file's first VOI window width, null when it has none (monochrome only)
 * @param maxSample    the largest value a colour sample can take (255 for 8-bit colour)
 */
public record ImageFrame(int rows, int columns, int channels, float[] values, boolean inverted,
                         Double windowCenter, Double windowWidth, double maxSample) {

    public ImageFrame {
        if (rows < 1 || columns < 1) {
            throw new IllegalArgumentException("rows and columns must be positive: " + rows + "x" + columns);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (values.length != rows * columns * channels) {
            throw new IllegalArgumentException("a " + rows + "x" + columns + "x" + channels + " frame needs "
                    + rows * columns * channels + " values, got " + values.length);
        }
        if ((windowCenter == null) != (windowWidth == null)) {
            throw new IllegalArgumentException("window centre and width come together");
        }
    }

    public boolean colour() {
        return channels == 3;
    }

    public int pixelCount() {
        return rows * columns;
    }
}
