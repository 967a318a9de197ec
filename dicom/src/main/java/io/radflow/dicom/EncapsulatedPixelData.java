package io.radflow.dicom;

import io.radflow.dicom.DicomReadException.Problem;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Compressed pixel data, located but not decoded: the Basic Offset Table and the fragments, as
 * read-only views of the input. Frames are the fragments grouped by the offset table; without one,
 * a single frame owns every fragment, and N frames in N fragments get one each.
 *
 * @param transferSyntaxUid the codec (JPEG, JPEG-LS, JPEG 2000, RLE...)
 * @param basicOffsetTable  byte offsets of each frame's first fragment; empty when absent
 * @param fragments         the fragment values (item headers excluded), in order
 */
public record EncapsulatedPixelData(String transferSyntaxUid, int numberOfFrames, List<Long> basicOffsetTable,
                                    List<ByteBuffer> fragments, List<List<Integer>> framesToFragments) {

    public EncapsulatedPixelData {
        basicOffsetTable = List.copyOf(basicOffsetTable);
        fragments = fragments.stream().map(ByteBuffer::asReadOnlyBuffer).toList();
        framesToFragments = framesToFragments == null ? null : framesToFragments.stream().map(List::copyOf).toList();
    }

    /** True when the fragments of each frame are known. */
    public boolean framesKnown() {
        return framesToFragments != null;
    }

    /** The compressed bytes of one frame (its fragments concatenated; a view when it has one fragment). */
    public ByteBuffer frame(int index) {
        if (framesToFragments == null) {
            throw new DicomReadException(Problem.UNSUPPORTED, "cannot tell which of the " + fragments.size()
                    + " fragments belong to which of the " + numberOfFrames + " frames (no usable Basic Offset Table)");
        }
        if (index < 0 || index >= numberOfFrames) {
            throw new DicomReadException(Problem.INVALID_VALUE, "frame " + index + " requested; the pixel data has "
                    + numberOfFrames + " frames");
        }
        List<Integer> parts = framesToFragments.get(index);
        if (parts.size() == 1) {
            return fragments.get(parts.get(0)).duplicate();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i : parts) {
            ByteBuffer f = fragments.get(i).duplicate();
            byte[] b = new byte[f.remaining()];
            f.get(b);
            out.writeBytes(b);
        }
        return ByteBuffer.wrap(out.toByteArray()).asReadOnlyBuffer();
    }
}
