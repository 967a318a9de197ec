package io.radflow.worker.runtime.http;

import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReader;
import io.radflow.dicom.FrameDecoder;
import io.radflow.dicom.NativeFrame;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the V7 test server should answer for a DICOM file, computed here without the worker's
 * rendering code: each frame windowed to 8 bits with the PS3.3 C.11.2.1.2.1 linear function (the
 * file's first window, else the frame's range), then the server's statistics in plain Java.
 */
public final class PngReference {

    private PngReference() {
    }

    public record Frame(Integer frameNumber, double brightFraction, int x, int y, int w, int h, int peakX, int peakY) {
    }

    public static List<Frame> frames(Path file) {
        DicomFile d = DicomReader.standard().read(file);
        List<Double> centers = d.attributes().windowCenter();
        List<Double> widths = d.attributes().windowWidth();
        boolean window = !centers.isEmpty() && !widths.isEmpty() && widths.get(0) >= 1;
        List<Frame> out = new ArrayList<>();
        for (NativeFrame nf : d.nativeFrames()) {
            float[] v = FrameDecoder.modalityValues(nf);
            int cols = nf.format().columns();
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (float x : v) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            int[] gray = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                double unit;
                if (window) {
                    double c = centers.get(0);
                    double w = widths.get(0);
                    unit = Math.max(0, Math.min(1, (v[i] - (c - 0.5)) / (w - 1) + 0.5));
                } else {
                    unit = hi > lo ? (v[i] - lo) / (hi - lo) : 0;
                }
                gray[i] = Math.round((float) unit * 255);
            }
            out.add(stats(gray, cols, d.numberOfFrames() > 1 ? nf.index() : null));
        }
        return out;
    }

    private static Frame stats(int[] g, int cols, Integer frame) {
        double sum = 0;
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        int peak = 0;
        for (int i = 0; i < g.length; i++) {
            sum += g[i];
            lo = Math.min(lo, g[i]);
            if (g[i] > hi) {
                hi = g[i];
                peak = i;
            }
        }
        double mean = sum / g.length;
        double t = (lo + hi) / 2.0;
        int above = 0;
        int minR = Integer.MAX_VALUE;
        int maxR = -1;
        int minC = Integer.MAX_VALUE;
        int maxC = -1;
        for (int i = 0; i < g.length; i++) {
            if (g[i] > mean) {
                above++;
            }
            if (g[i] > t) {
                minR = Math.min(minR, i / cols);
                maxR = Math.max(maxR, i / cols);
                minC = Math.min(minC, i % cols);
                maxC = Math.max(maxC, i % cols);
            }
        }
        return new Frame(frame, (double) above / g.length, minC, minR, maxC - minC + 1, maxR - minR + 1, peak % cols, peak / cols);
    }
}
