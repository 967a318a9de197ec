package io.radflow.dicom;

import io.radflow.dicom.DicomReadException.Problem;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Everything needed to turn a frame's raw bytes into numbers: geometry, bit layout, sample layout,
 * the modality rescale and the VOI window. Defaults follow PS3.3 where an attribute is absent:
 * Bits Stored = Bits Allocated, High Bit = Bits Stored - 1, unsigned, interleaved samples,
 * slope 1 and intercept 0.
 *
 * @param pixelRepresentation 0 unsigned, 1 two's complement
 * @param planarConfiguration 0 samples interleaved per pixel (R1G1B1R2...), 1 one plane per sample
 * @param byteOrder           order of multi-byte samples in the frame bytes
 */
public record PixelFormat(int rows, int columns, int samplesPerPixel, int bitsAllocated, int bitsStored, int highBit,
                          int pixelRepresentation, String photometricInterpretation, int planarConfiguration,
                          double rescaleSlope, double rescaleIntercept, List<Double> windowCenter, List<Double> windowWidth,
                          ByteOrder byteOrder) {

    public PixelFormat {
        windowCenter = List.copyOf(windowCenter);
        windowWidth = List.copyOf(windowWidth);
    }

    /** Builds the format from a file's attributes; fails when the frame geometry is missing or impossible. */
    static PixelFormat of(DicomAttributes a, ByteOrder order) {
        Integer rows = require(a.rows(), Tags.ROWS);
        Integer columns = require(a.columns(), Tags.COLUMNS);
        Integer samples = require(a.samplesPerPixel(), Tags.SAMPLES_PER_PIXEL);
        Integer allocated = require(a.bitsAllocated(), Tags.BITS_ALLOCATED);
        if (rows <= 0 || columns <= 0 || samples <= 0 || allocated <= 0 || (allocated != 1 && allocated % 8 != 0)) {
            throw new DicomReadException(Problem.MALFORMED, "impossible frame geometry: " + rows + " rows, " + columns
                    + " columns, " + samples + " samples per pixel, " + allocated + " bits allocated");
        }
        int stored = a.bitsStored() == null ? allocated : a.bitsStored();
        int high = a.highBit() == null ? stored - 1 : a.highBit();
        return new PixelFormat(rows, columns, samples, allocated, stored, high,
                a.pixelRepresentation() == null ? 0 : a.pixelRepresentation(),
                a.photometricInterpretation() == null ? "" : a.photometricInterpretation(),
                a.planarConfiguration() == null ? 0 : a.planarConfiguration(),
                a.rescaleSlope() == null ? 1.0 : a.rescaleSlope(),
                a.rescaleIntercept() == null ? 0.0 : a.rescaleIntercept(),
                a.windowCenter(), a.windowWidth(), order);
    }

    private static Integer require(Integer value, int tag) {
        if (value == null) {
            throw new DicomReadException(Problem.MALFORMED, "Pixel Data cannot be split into frames: "
                    + ValueDecoder.name(tag).strip() + " is missing");
        }
        return value;
    }

    public boolean signed() {
        return pixelRepresentation == 1;
    }

    /** Number of pixels in one frame. */
    public int pixelCount() {
        return rows * columns;
    }

    /**
     * Bits one frame occupies: rows x columns x samples x bits allocated, except YBR_FULL_422 and
     * YBR_PARTIAL_422 where two chroma samples are shared by two pixels.
     */
    public long frameBits() {
        long bits = (long) rows * columns * samplesPerPixel * bitsAllocated;
        if (samplesPerPixel == 3 && photometricInterpretation.endsWith("_422")) {
            bits = bits * 2 / 3;
        }
        return bits;
    }
}
