package io.radflow.pixels.image;

/**
 * Turns an {@link ImageFrame} into display values in [0, 1], one per sample, the same way for the
 * renderer and the model input: monochrome through the VOI window (the caller's, else the file's,
 * else the frame's own min-max range), then flipped for MONOCHROME1; colour scaled by its full
 * sample range (VOI windows do not apply to colour images, PS3.3 C.11.2).
 */
public final class Voi {

    private Voi() {
    }

    /** @param override null: the file's window, else the frame's range */
    public static float[] toUnit(ImageFrame frame, Window override) {
        float[] y;
        if (frame.colour()) {
            y = scale(frame.values(), frame.maxSample());
        } else if (override != null) {
            y = window(frame.values(), override.center(), override.width());
        } else if (frame.windowCenter() != null && frame.windowWidth() >= 1) {
            y = window(frame.values(), frame.windowCenter(), frame.windowWidth());
        } else {
            y = minMax(frame.values());
        }
        if (frame.inverted()) {
            for (int i = 0; i < y.length; i++) {
                y[i] = 1 - y[i];
            }
        }
        return y;
    }

    /** The LINEAR VOI function, evaluated in double (PS3.3 C.11.2.1.2.1). */
    static float[] window(float[] x, double center, double width) {
        float[] y = new float[x.length];
        double c = center - 0.5;
        double w = width - 1;
        for (int i = 0; i < x.length; i++) {
            double v = (x[i] - c) / w + 0.5;
            y[i] = (float) (v < 0 ? 0 : Math.min(v, 1));
        }
        return y;
    }

    static float[] minMax(float[] x) {
        float[] y = new float[x.length];
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        boolean nan = false;
        // Plain comparisons, not Math.min/max: their NaN and -0.0 handling made this loop cost as much
        // as the scaling below (per frame, per job). A NaN still leaves the frame black, as it did.
        for (float v : x) {
            if (v < lo) {
                lo = v;
            }
            if (v > hi) {
                hi = v;
            }
            nan |= v != v;
        }
        if (!nan && hi > lo) {
            double range = (double) hi - lo;
            for (int i = 0; i < x.length; i++) {
                y[i] = (float) ((x[i] - (double) lo) / range);
            }
        }
        return y;
    }

    private static float[] scale(float[] x, double max) {
        float[] y = new float[x.length];
        float inv = (float) (1 / max);
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.max(0, Math.min(1, x[i] * inv));
        }
        return y;
    }
}
