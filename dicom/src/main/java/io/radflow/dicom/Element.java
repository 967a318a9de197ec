package io.radflow.dicom;

import java.nio.ByteOrder;
import java.util.List;

/**
 * One top-level data element as found in the input: where its value lies, not the value itself.
 *
 * @param vr        the VR written in the file; null in implicit VR data sets
 * @param order     byte order of binary values
 * @param fragments located fragments when the element is encapsulated Pixel Data, else empty
 */
record Element(int tag, Vr vr, int valueOffset, int valueLength, boolean undefinedLength, ByteOrder order,
               List<Fragment> fragments) {

    /** An item of encapsulated pixel data: its header starts at {@code itemOffset}. */
    record Fragment(int itemOffset, int offset, int length) {
    }
}
