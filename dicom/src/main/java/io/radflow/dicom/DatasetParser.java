package io.radflow.dicom;

import io.radflow.dicom.DicomReadException.Problem;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks data elements and records where the top-level ones are. Values of defined length are
 * skipped after a bounds check; sequences and items of undefined length are walked down to their
 * delimiters (nested content is checked, not kept); encapsulated pixel data fragments are located.
 * Each element consumes at least its 8-byte header, so the walk always ends, and nesting is capped
 * so that hostile input cannot exhaust the stack.
 */
final class DatasetParser {

    /** Deeper nesting than this is refused; real files nest a handful of levels. */
    static final int MAX_DEPTH = 64;

    private static final long UNDEFINED = 0xFFFF_FFFFL;

    /** Explicit or implicit VR, and byte order, of a data set. */
    record Encoding(boolean explicitVr, ByteOrder order) {
        static final Encoding EXPLICIT_LE = new Encoding(true, ByteOrder.LITTLE_ENDIAN);
        static final Encoding IMPLICIT_LE = new Encoding(false, ByteOrder.LITTLE_ENDIAN);

        boolean bigEndian() {
            return order == ByteOrder.BIG_ENDIAN;
        }
    }

    private final ByteInput in;

    DatasetParser(ByteInput in) {
        this.in = in;
    }

    /**
     * Reads top-level elements while their group is {@code group} (0x0002 for the file meta
     * information), or to the end of the input when {@code group} is negative; with
     * {@code stopAtPixelData} it stops before the first tag at or after (7FE0,0010).
     */
    List<Element> readElements(Encoding enc, int group, boolean stopAtPixelData) {
        List<Element> out = new ArrayList<>();
        while (in.remaining() > 0) {
            if (group >= 0 && (!in.has(2) || in.u16At(in.position(), enc.order()) != group)) {
                break;
            }
            if (stopAtPixelData && in.has(4)
                    && Integer.compareUnsigned(in.tagAt(in.position(), enc.order()), Tags.PIXEL_DATA) >= 0) {
                break;
            }
            out.add(readElement(enc, 0));
        }
        return out;
    }

    private Element readElement(Encoding enc, int depth) {
        int headerOffset = in.position();
        in.require(8, "data element header");
        int tag = in.tag(enc.order());
        if (Tags.group(tag) == 0xFFFE) {
            throw new DicomReadException(Problem.MALFORMED, "unexpected " + Tags.toString(tag) + " at offset " + headerOffset
                    + " of the " + in.where() + " (an item or delimiter outside a sequence)");
        }
        Vr vr = null;
        long length;
        if (enc.explicitVr()) {
            int b0 = in.u8(in.position());
            int b1 = in.u8(in.position() + 1);
            vr = Vr.of(b0, b1);
            if (vr == null) {
                throw new DicomReadException(Problem.MALFORMED, String.format(
                        "element %s at offset %d of the %s has an invalid VR (bytes 0x%02x 0x%02x)",
                        Tags.toString(tag), headerOffset, in.where(), b0, b1));
            }
            in.skip(2, "VR");
            if (vr.longLength) {
                if (in.remaining() < 6) {
                    // Checked first so the message (String.format) is built only for a truncated file, not per element.
                    in.require(6, "32-bit length of element " + Tags.toString(tag));
                }
                in.skip(2, "reserved bytes");
                length = in.u32(enc.order());
            } else {
                length = in.u16(enc.order());
            }
        } else {
            length = in.u32(enc.order());
        }
        int valueOffset = in.position();
        if (length == UNDEFINED) {
            List<Element.Fragment> fragments = List.of();
            if (tag == Tags.PIXEL_DATA && vr != Vr.SQ && vr != Vr.UN) {
                fragments = readFragments(enc);
            } else if (vr == null || vr == Vr.SQ) {
                readSequence(tag, enc, depth + 1);
            } else if (vr == Vr.UN) {
                // PS3.5 6.2.2: UN of undefined length holds a sequence in implicit VR little endian
                readSequence(tag, Encoding.IMPLICIT_LE, depth + 1);
            } else {
                throw new DicomReadException(Problem.MALFORMED, "element " + Tags.toString(tag) + " at offset " + headerOffset
                        + " has VR " + vr + " with undefined length (only SQ, UN and Pixel Data may have one)");
            }
            return new Element(tag, vr, valueOffset, in.position() - valueOffset, true, enc.order(), fragments);
        }
        if (length > in.remaining()) {
            throw new DicomReadException(Problem.TRUNCATED, "element " + Tags.toString(tag) + " at offset " + headerOffset
                    + " of the " + in.where() + " declares " + length + " bytes but only " + in.remaining()
                    + " are left (truncated input)");
        }
        in.skip(length, "value");
        return new Element(tag, vr, valueOffset, (int) length, false, enc.order(), List.of());
    }

    private void readSequence(int sequenceTag, Encoding enc, int depth) {
        if (depth > MAX_DEPTH) {
            throw new DicomReadException(Problem.MALFORMED, "sequences nested deeper than " + MAX_DEPTH + " levels at offset "
                    + in.position() + " of the " + in.where());
        }
        while (true) {
            int at = in.position();
            requireHeader("sequence " + Tags.toString(sequenceTag) + " ends without a Sequence Delimitation Item");
            int tag = in.tag(enc.order());
            long length = in.u32(enc.order());
            if (tag == Tags.SEQUENCE_DELIMITATION) {
                return;
            }
            if (tag != Tags.ITEM) {
                throw new DicomReadException(Problem.MALFORMED, "sequence " + Tags.toString(sequenceTag) + " holds "
                        + Tags.toString(tag) + " at offset " + at + " of the " + in.where() + " where an Item (fffe,e000) belongs");
            }
            if (length == UNDEFINED) {
                readItem(sequenceTag, enc, depth);
            } else if (length > in.remaining()) {
                throw new DicomReadException(Problem.TRUNCATED, "item of sequence " + Tags.toString(sequenceTag) + " at offset "
                        + at + " declares " + length + " bytes but only " + in.remaining() + " are left (truncated input)");
            } else {
                in.skip(length, "item");
            }
        }
    }

    private void readItem(int sequenceTag, Encoding enc, int depth) {
        while (true) {
            requireHeader("item of sequence " + Tags.toString(sequenceTag) + " ends without an Item Delimitation Item");
            if (in.tagAt(in.position(), enc.order()) == Tags.ITEM_DELIMITATION) {
                in.skip(8, "item delimiter");
                return;
            }
            readElement(enc, depth);
        }
    }

    private List<Element.Fragment> readFragments(Encoding enc) {
        List<Element.Fragment> fragments = new ArrayList<>();
        while (true) {
            int at = in.position();
            requireHeader("encapsulated Pixel Data ends without a Sequence Delimitation Item");
            int tag = in.tag(enc.order());
            long length = in.u32(enc.order());
            if (tag == Tags.SEQUENCE_DELIMITATION) {
                return fragments;
            }
            if (tag != Tags.ITEM || length == UNDEFINED) {
                throw new DicomReadException(Problem.MALFORMED, "encapsulated Pixel Data holds " + Tags.toString(tag)
                        + (length == UNDEFINED ? " of undefined length" : "") + " at offset " + at + " of the " + in.where()
                        + " where a fragment item of defined length belongs");
            }
            if (length > in.remaining()) {
                throw new DicomReadException(Problem.TRUNCATED, "Pixel Data " + Tags.toString(Tags.PIXEL_DATA) + " fragment at offset "
                        + at + " declares " + length + " bytes but only " + in.remaining() + " are left (truncated input)");
            }
            fragments.add(new Element.Fragment(at, in.position(), (int) length));
            in.skip(length, "fragment");
        }
    }

    private void requireHeader(String problem) {
        if (!in.has(8)) {
            throw new DicomReadException(Problem.TRUNCATED, problem + " (offset " + in.position() + " of the " + in.where()
                    + ", " + in.remaining() + " bytes left; truncated input)");
        }
    }
}
