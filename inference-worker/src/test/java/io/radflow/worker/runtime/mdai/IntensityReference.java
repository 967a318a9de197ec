package io.radflow.worker.runtime.mdai;

import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReader;
import io.radflow.dicom.FrameDecoder;
import io.radflow.dicom.NativeFrame;
import io.radflow.dicom.PixelFormat;
import io.radflow.worker.runtime.FrameStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The test models' statistics computed independently of them: Radflow's own DICOM reader (not
 * pydicom) and plain Java (not numpy), over the stored pixel values pydicom's pixel_array gives.
 */
public final class IntensityReference {

    private IntensityReference() {
    }

    /** What the intensity model returns for one frame. */
    public record Frame(Integer frameNumber, double fractionAboveMean, int boxX, int boxY, int boxWidth, int boxHeight,
                        int peakX, int peakY, int rows, int columns, byte[] mask) {
    }

    public static DicomFile read(Path file) {
        return DicomReader.standard().read(file);
    }

    /** Stored values of one frame (modality values with the rescale undone), row-major. */
    public static double[] stored(NativeFrame frame) {
        PixelFormat f = frame.format();
        float[] modality = FrameDecoder.modalityValues(frame);
        double[] out = new double[modality.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.round((modality[i] - f.rescaleIntercept()) / f.rescaleSlope());
        }
        return out;
    }

    public static List<Frame> intensity(Path file) {
        DicomFile dicom = read(file);
        boolean multi = dicom.numberOfFrames() > 1;
        List<Frame> frames = new ArrayList<>();
        for (NativeFrame nf : dicom.nativeFrames()) {
            FrameStats f = FrameStats.of(stored(nf), nf.format().rows(), nf.format().columns());
            frames.add(new Frame(multi ? nf.index() : null, f.fractionAboveMean(), f.boxX(), f.boxY(), f.boxWidth(), f.boxHeight(),
                    f.peakX(), f.peakY(), f.rows(), f.columns(), f.mask()));
        }
        return frames;
    }

    /** What the series model returns for files in this order. */
    public record Series(double fractionAboveMean, int peakFile, int peakX, int peakY) {
    }

    public static Series series(List<Path> files) {
        List<double[]> values = new ArrayList<>();
        List<Integer> columns = new ArrayList<>();
        double sum = 0;
        long n = 0;
        for (Path p : files) {
            DicomFile d = read(p);
            double[] v = stored(d.nativeFrame(0));
            values.add(v);
            columns.add(d.nativeFrame(0).format().columns());
            for (double x : v) {
                sum += x;
            }
            n += v.length;
        }
        double mean = sum / n;
        long above = 0;
        int bestFile = -1;
        int bestIndex = -1;
        double best = Double.NEGATIVE_INFINITY;
        for (int f = 0; f < values.size(); f++) {
            double[] v = values.get(f);
            int fileBest = 0;
            for (int i = 0; i < v.length; i++) {
                if (v[i] > mean) {
                    above++;
                }
                if (v[i] > v[fileBest]) {
                    fileBest = i;
                }
            }
            if (v[fileBest] > best) {
                best = v[fileBest];
                bestFile = f;
                bestIndex = fileBest;
            }
        }
        int cols = columns.get(bestFile);
        return new Series((double) above / n, bestFile, bestIndex % cols, bestIndex / cols);
    }
}
