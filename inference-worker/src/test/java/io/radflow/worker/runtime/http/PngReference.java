package io.radflow.worker.runtime.http;

import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReader;
import io.radflow.dicom.FrameDecoder;
import io.radflow.dicom.NativeFrame;
import io.radflow.worker.runtime.FrameStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the V7 test server should answer for a DICOM file, computed here without the worker's
 * rendering code: each frame windowed to 8 bits with the PS3.3 C.11.2.1.2.1 linear function (the
 * file's first window, else the frame's range), then the server's statistics ({@link FrameStats}).
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
            out.add(stats(gray, nf.format().rows(), cols, d.numberOfFrames() > 1 ? nf.index() : null));
        }
        return out;
    }

    private static Frame stats(int[] gray, int rows, int cols, Integer frame) {
        double[] v = new double[gray.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = gray[i];
        }
        FrameStats f = FrameStats.of(v, rows, cols);
        return new Frame(frame, f.fractionAboveMean(), f.boxX(), f.boxY(), f.boxWidth(), f.boxHeight(), f.peakX(), f.peakY());
    }
}
