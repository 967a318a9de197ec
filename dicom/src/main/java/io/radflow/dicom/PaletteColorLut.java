package io.radflow.dicom;

import io.radflow.dicom.DicomReadException.Problem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * The Palette Color Lookup Tables of a PALETTE COLOR image (PS3.3 C.7.6.3.1.5-6): for each of red,
 * green and blue, the first stored value mapped, and one entry per index from there. Stored values
 * below the first map to the first entry, values past the table to the last one.
 *
 * @param bits 8 or 16: the range of the entries ({@code 2^bits - 1} is full intensity)
 */
public record PaletteColorLut(int firstMapped, int bits, int[] red, int[] green, int[] blue) {

    static final int RED_DESCRIPTOR = 0x0028_1101;
    static final int RED_DATA = 0x0028_1201;
    static final int SEGMENTED_RED_DATA = 0x0028_1221;

    /** The entry of {@code channel} (0 red, 1 green, 2 blue) for a stored value. */
    public int lookup(int channel, int stored) {
        int[] table = channel == 0 ? red : channel == 1 ? green : blue;
        int i = Math.max(0, Math.min(table.length - 1, stored - firstMapped));
        return table[i];
    }

    /** The tables of a data set, or null when it has none. */
    static PaletteColorLut read(ByteInput in, Map<Integer, Element> elements) {
        if (!elements.containsKey(RED_DESCRIPTOR)) {
            return null;
        }
        if (elements.containsKey(SEGMENTED_RED_DATA)) {
            throw new DicomReadException(Problem.UNSUPPORTED, "segmented palette colour lookup tables are not supported");
        }
        int[] first = new int[3];
        int[] bits = new int[3];
        int[][] tables = new int[3][];
        for (int c = 0; c < 3; c++) {
            Element d = require(elements, RED_DESCRIPTOR + c);
            if (d.valueLength() != 6) {
                throw new DicomReadException(Problem.MALFORMED, "palette lookup table descriptor " + Integer.toHexString(d.tag())
                        + " holds " + d.valueLength() + " bytes, not three 16-bit values");
            }
            ByteOrder order = d.order();
            int entries = in.u16At(d.valueOffset(), order);
            entries = entries == 0 ? 65536 : entries;
            first[c] = in.u16At(d.valueOffset() + 2, order);
            bits[c] = in.u16At(d.valueOffset() + 4, order);
            if (bits[c] != 8 && bits[c] != 16) {
                throw new DicomReadException(Problem.INVALID_VALUE, "palette lookup table entries of " + bits[c]
                        + " bits (8 or 16)");
            }
            Element data = require(elements, RED_DATA + c);
            ByteBuffer v = in.slice(data.valueOffset(), data.valueLength()).order(data.order());
            int[] table = new int[entries];
            if (bits[c] == 8 && data.valueLength() >= entries && data.valueLength() < 2 * entries) {
                for (int i = 0; i < entries; i++) {
                    table[i] = v.get(i) & 0xFF; // 8-bit entries packed in bytes, as some writers store them
                }
            } else if (data.valueLength() >= 2 * entries) {
                for (int i = 0; i < entries; i++) {
                    table[i] = v.getShort(2 * i) & 0xFFFF;
                }
            } else {
                throw new DicomReadException(Problem.MALFORMED, "palette lookup table data " + Integer.toHexString(data.tag())
                        + " holds " + data.valueLength() + " bytes for " + entries + " entries");
            }
            tables[c] = table;
        }
        if (bits[0] != bits[1] || bits[1] != bits[2] || first[0] != first[1] || first[1] != first[2]) {
            throw new DicomReadException(Problem.UNSUPPORTED, "red, green and blue palette tables that differ in first value or bits");
        }
        return new PaletteColorLut(first[0], bits[0], tables[0], tables[1], tables[2]);
    }

    private static Element require(Map<Integer, Element> elements, int tag) {
        Element e = elements.get(tag);
        if (e == null || e.undefinedLength()) {
            throw new DicomReadException(Problem.MALFORMED, "palette lookup table element (" + String.format("%04X,%04X",
                    tag >>> 16, tag & 0xFFFF) + ") is missing");
        }
        return e;
    }
}
