package io.radflow.worker.preprocess;

import java.nio.FloatBuffer;

/**
 * Turns one frame of modality values into model input: VOI window to [0, 1] (DICOM PS3.3
 * C.11.2.1.2.1 linear function, or the frame's min-max range), bilinear resize with half-pixel
 * centres (as OpenCV and ONNX Resize do), then {@code (x - mean) / std}. The window is evaluated
 * in double, the rest in float: the model reads float32, and this agrees with a float64 reference
 * to float precision.
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
        float[] windowed = window(modality, settings.windowCenter() != null ? settings.windowCenter() : fileCenter,
                settings.windowCenter() != null ? settings.windowWidth() : fileWidth);
        float[] out = rows == outRows && columns == outColumns ? windowed
                : resizeBilinear(windowed, rows, columns, outRows, outColumns);
        if (settings.mean() != 0 || settings.std() != 1) {
            float mean = (float) settings.mean();
            float inv = (float) (1 / settings.std());
            for (int i = 0; i < out.length; i++) {
                out[i] = (out[i] - mean) * inv;
            }
        }
        for (int c = 0; c < channels; c++) {
            dst.put(out);
        }
    }

    static float[] window(float[] x, Double center, Double width) {
        float[] y = new float[x.length];
        if (center == null || width == null || width < 1) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (float v : x) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            if (hi > lo) {
                double range = (double) hi - lo;
                for (int i = 0; i < x.length; i++) {
                    y[i] = (float) ((x[i] - (double) lo) / range);
                }
            }
            return y;
        }
        double c = center - 0.5;
        double w = width - 1;
        for (int i = 0; i < x.length; i++) {
            double v = (x[i] - c) / w + 0.5;
            y[i] = (float) (v < 0 ? 0 : Math.min(v, 1));
        }
        return y;
    }

    static float[] resizeBilinear(float[] src, int inRows, int inCols, int outRows, int outCols) {
        int[] y0 = new int[outRows];
        int[] y1 = new int[outRows];
        float[] fy = new float[outRows];
        axis(inRows, outRows, y0, y1, fy);
        int[] x0 = new int[outCols];
        int[] x1 = new int[outCols];
        float[] fx = new float[outCols];
        axis(inCols, outCols, x0, x1, fx);
        float[] out = new float[outRows * outCols];
        for (int oy = 0; oy < outRows; oy++) {
            int r0 = y0[oy] * inCols;
            int r1 = y1[oy] * inCols;
            float wy = fy[oy];
            int o = oy * outCols;
            for (int ox = 0; ox < outCols; ox++) {
                float wx = fx[ox];
                float top = src[r0 + x0[ox]] + (src[r0 + x1[ox]] - src[r0 + x0[ox]]) * wx;
                float bottom = src[r1 + x0[ox]] + (src[r1 + x1[ox]] - src[r1 + x0[ox]]) * wx;
                out[o + ox] = top + (bottom - top) * wy;
            }
        }
        return out;
    }

    private static void axis(int in, int out, int[] i0, int[] i1, float[] f) {
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double s = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), in - 1);
            i0[o] = (int) Math.floor(s);
            i1[o] = Math.min(i0[o] + 1, in - 1);
            f[o] = (float) (s - i0[o]);
        }
    }
}
