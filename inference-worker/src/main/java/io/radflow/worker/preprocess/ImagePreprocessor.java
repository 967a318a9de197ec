package io.radflow.worker.preprocess;

import java.nio.FloatBuffer;

/**
 * Turns one frame of modality values into model input: VOI window to [0, 1] (DICOM PS3.3
 * C.11.2.1.2.1 linear function, or the frame's min-max range), bilinear resize with half-pixel
 * centres (as OpenCV and ONNX Resize do), then {@code (x - mean) / std}. Arithmetic is in double
 * and rounded to float once, so results match a float64 reference to float precision.
 */
public final class ImagePreprocessor {

    private ImagePreprocessor() {
    }

    /**
     * Writes {@code channels x outRows x outColumns} floats (the grey image repeated per channel)
     * into {@code dst} at its position, advancing it.
     */
    public static void write(float[] modality, int rows, int columns, Double fileCenter, Double fileWidth,
                             PreprocessSettings settings, int channels, int outRows, int outColumns, FloatBuffer dst) {
        double[] windowed = window(modality, settings.windowCenter() != null ? settings.windowCenter() : fileCenter,
                settings.windowCenter() != null ? settings.windowWidth() : fileWidth);
        double[] resized = rows == outRows && columns == outColumns ? windowed
                : resizeBilinear(windowed, rows, columns, outRows, outColumns);
        float[] out = new float[resized.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) ((resized[i] - settings.mean()) / settings.std());
        }
        for (int c = 0; c < channels; c++) {
            dst.put(out);
        }
    }

    static double[] window(float[] x, Double center, Double width) {
        double[] y = new double[x.length];
        if (center == null || width == null || width < 1) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (float v : x) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            if (hi > lo) {
                for (int i = 0; i < x.length; i++) {
                    y[i] = (x[i] - lo) / (hi - lo);
                }
            }
            return y;
        }
        double c = center;
        double w = width;
        for (int i = 0; i < x.length; i++) {
            double v = (x[i] - (c - 0.5)) / (w - 1) + 0.5;
            y[i] = v < 0 ? 0 : Math.min(v, 1);
        }
        return y;
    }

    static double[] resizeBilinear(double[] src, int inRows, int inCols, int outRows, int outCols) {
        int[] y0 = new int[outRows];
        int[] y1 = new int[outRows];
        double[] fy = new double[outRows];
        axis(inRows, outRows, y0, y1, fy);
        int[] x0 = new int[outCols];
        int[] x1 = new int[outCols];
        double[] fx = new double[outCols];
        axis(inCols, outCols, x0, x1, fx);
        double[] out = new double[outRows * outCols];
        for (int oy = 0; oy < outRows; oy++) {
            int r0 = y0[oy] * inCols;
            int r1 = y1[oy] * inCols;
            for (int ox = 0; ox < outCols; ox++) {
                double top = src[r0 + x0[ox]] * (1 - fx[ox]) + src[r0 + x1[ox]] * fx[ox];
                double bottom = src[r1 + x0[ox]] * (1 - fx[ox]) + src[r1 + x1[ox]] * fx[ox];
                out[oy * outCols + ox] = top * (1 - fy[oy]) + bottom * fy[oy];
            }
        }
        return out;
    }

    private static void axis(int in, int out, int[] i0, int[] i1, double[] f) {
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double s = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), in - 1);
            i0[o] = (int) Math.floor(s);
            i1[o] = Math.min(i0[o] + 1, in - 1);
            f[o] = s - i0[o];
        }
    }
}
