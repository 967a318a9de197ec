package io.radflow.worker.preprocess;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.pixels.image.ImageFrame;
import io.radflow.pixels.image.Voi;
import io.radflow.pixels.image.Window;
import java.nio.FloatBuffer;

/**
 * Turns one frame into model input: display values in [0, 1] ({@link Voi}: the VOI window for
 * monochrome, MONOCHROME1 flipped, colour by its sample range), then to the model's channel count
 * (a grey image repeated per channel; a colour image as its R, G and B planes, or as luminance
 * for a one-channel model), bilinear resize with half-pixel centres (as OpenCV and ONNX Resize
 * do), then {@code (x - mean) / std}. The window is evaluated in double, the rest in float: the
 * model reads float32, and this agrees with a float64 reference to float precision.
 */
public final class ImagePreprocessor {

    /** ITU-R BT.601 luma weights, as PIL's convert("L") and OpenCV's RGB2GRAY use. */
    private static final float LUMA_R = 0.299f;
    private static final float LUMA_G = 0.587f;
    private static final float LUMA_B = 0.114f;

    private ImagePreprocessor() {
    }

    /**
     * Writes {@code channels x outRows x outColumns} floats into {@code dst} at its position,
     * advancing it.
     */
    public static void write(ImageFrame frame, PreprocessSettings settings, int channels, int outRows, int outColumns,
                             FloatBuffer dst) {
        Window override = settings.windowCenter() != null ? new Window(settings.windowCenter(), settings.windowWidth()) : null;
        float[] unit = Voi.toUnit(frame, override);
        int rows = frame.rows();
        int columns = frame.columns();
        if (!frame.colour()) {
            float[] out = normalise(resize(unit, rows, columns, outRows, outColumns), settings);
            for (int c = 0; c < channels; c++) {
                dst.put(out);
            }
            return;
        }
        if (channels == 1) {
            dst.put(normalise(resize(luminance(unit), rows, columns, outRows, outColumns), settings));
            return;
        }
        if (channels != 3) {
            throw new RadflowException(Reason.MODEL_ERROR, "a colour (RGB) image cannot feed a model input of "
                    + channels + " channels (1 or 3)");
        }
        for (int c = 0; c < 3; c++) {
            dst.put(normalise(resize(plane(unit, c), rows, columns, outRows, outColumns), settings));
        }
    }

    private static float[] resize(float[] plane, int rows, int columns, int outRows, int outColumns) {
        return rows == outRows && columns == outColumns ? plane : resizeBilinear(plane, rows, columns, outRows, outColumns);
    }

    private static float[] normalise(float[] x, PreprocessSettings settings) {
        if (settings.mean() != 0 || settings.std() != 1) {
            float mean = (float) settings.mean();
            float inv = (float) (1 / settings.std());
            for (int i = 0; i < x.length; i++) {
                x[i] = (x[i] - mean) * inv;
            }
        }
        return x;
    }

    static float[] luminance(float[] rgb) {
        float[] y = new float[rgb.length / 3];
        for (int i = 0, k = 0; i < y.length; i++, k += 3) {
            y[i] = LUMA_R * rgb[k] + LUMA_G * rgb[k + 1] + LUMA_B * rgb[k + 2];
        }
        return y;
    }

    private static float[] plane(float[] rgb, int channel) {
        float[] p = new float[rgb.length / 3];
        for (int i = 0, k = channel; i < p.length; i++, k += 3) {
            p[i] = rgb[k];
        }
        return p;
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
        // Separable: each source row is interpolated across once and kept while output rows use it
        // (rows come in order), instead of twice per output pixel; the vertical pass is a plain loop the
        // JIT vectorises. The same float operations in the same order as per pixel, so the same values.
        float[] upper = new float[outCols];
        float[] lower = new float[outCols];
        int upperRow = -1;
        int lowerRow = -1;
        for (int oy = 0; oy < outRows; oy++) {
            int a = y0[oy];
            int b = y1[oy];
            if (a != upperRow) {
                if (a == lowerRow) {
                    float[] t = upper;
                    upper = lower;
                    lower = t;
                    lowerRow = -1;
                } else {
                    across(src, a * inCols, x0, x1, fx, upper);
                }
                upperRow = a;
            }
            float[] bottom = upper;
            if (b != a) {
                if (b != lowerRow) {
                    across(src, b * inCols, x0, x1, fx, lower);
                    lowerRow = b;
                }
                bottom = lower;
            }
            float wy = fy[oy];
            int o = oy * outCols;
            for (int ox = 0; ox < outCols; ox++) {
                out[o + ox] = upper[ox] + (bottom[ox] - upper[ox]) * wy;
            }
        }
        return out;
    }

    /** One source row (from {@code offset}) interpolated to the output's columns. */
    private static void across(float[] src, int offset, int[] x0, int[] x1, float[] fx, float[] row) {
        for (int ox = 0; ox < row.length; ox++) {
            float left = src[offset + x0[ox]];
            row[ox] = left + (src[offset + x1[ox]] - left) * fx[ox];
        }
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
