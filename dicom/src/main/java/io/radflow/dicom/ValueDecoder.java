package io.radflow.dicom;

import io.radflow.dicom.DicomReadException.Problem;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Decodes the values of top-level elements into text and numbers. */
final class ValueDecoder {

    /** VRs of the attributes read here, for implicit VR data sets and elements written as UN. */
    private static final Map<Integer, Vr> DICTIONARY = Map.ofEntries(
            Map.entry(Tags.TRANSFER_SYNTAX_UID, Vr.UI),
            Map.entry(Tags.SPECIFIC_CHARACTER_SET, Vr.CS),
            Map.entry(Tags.SOP_CLASS_UID, Vr.UI),
            Map.entry(Tags.SOP_INSTANCE_UID, Vr.UI),
            Map.entry(Tags.MODALITY, Vr.CS),
            Map.entry(Tags.STUDY_DESCRIPTION, Vr.LO),
            Map.entry(Tags.SERIES_DESCRIPTION, Vr.LO),
            Map.entry(Tags.STUDY_INSTANCE_UID, Vr.UI),
            Map.entry(Tags.SERIES_INSTANCE_UID, Vr.UI),
            Map.entry(Tags.INSTANCE_NUMBER, Vr.IS),
            Map.entry(Tags.IMAGES_IN_ACQUISITION, Vr.IS),
            Map.entry(Tags.SAMPLES_PER_PIXEL, Vr.US),
            Map.entry(Tags.PHOTOMETRIC_INTERPRETATION, Vr.CS),
            Map.entry(Tags.PLANAR_CONFIGURATION, Vr.US),
            Map.entry(Tags.NUMBER_OF_FRAMES, Vr.IS),
            Map.entry(Tags.ROWS, Vr.US),
            Map.entry(Tags.COLUMNS, Vr.US),
            Map.entry(Tags.BITS_ALLOCATED, Vr.US),
            Map.entry(Tags.BITS_STORED, Vr.US),
            Map.entry(Tags.HIGH_BIT, Vr.US),
            Map.entry(Tags.PIXEL_REPRESENTATION, Vr.US),
            Map.entry(Tags.WINDOW_CENTER, Vr.DS),
            Map.entry(Tags.WINDOW_WIDTH, Vr.DS),
            Map.entry(Tags.RESCALE_INTERCEPT, Vr.DS),
            Map.entry(Tags.RESCALE_SLOPE, Vr.DS));

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(Tags.INSTANCE_NUMBER, "Instance Number"),
            Map.entry(Tags.IMAGES_IN_ACQUISITION, "Images in Acquisition"),
            Map.entry(Tags.SAMPLES_PER_PIXEL, "Samples per Pixel"),
            Map.entry(Tags.PLANAR_CONFIGURATION, "Planar Configuration"),
            Map.entry(Tags.NUMBER_OF_FRAMES, "Number of Frames"),
            Map.entry(Tags.ROWS, "Rows"),
            Map.entry(Tags.COLUMNS, "Columns"),
            Map.entry(Tags.BITS_ALLOCATED, "Bits Allocated"),
            Map.entry(Tags.BITS_STORED, "Bits Stored"),
            Map.entry(Tags.HIGH_BIT, "High Bit"),
            Map.entry(Tags.PIXEL_REPRESENTATION, "Pixel Representation"),
            Map.entry(Tags.WINDOW_CENTER, "Window Center"),
            Map.entry(Tags.WINDOW_WIDTH, "Window Width"),
            Map.entry(Tags.RESCALE_INTERCEPT, "Rescale Intercept"),
            Map.entry(Tags.RESCALE_SLOPE, "Rescale Slope"));

    private final ByteInput in;
    private final Map<Integer, Element> elements;
    private Charset charset = StandardCharsets.ISO_8859_1;

    ValueDecoder(ByteInput in, Map<Integer, Element> elements) {
        this.in = in;
        this.elements = elements;
        String declared = text(Tags.SPECIFIC_CHARACTER_SET);
        if (declared != null) {
            charset = charsetOf(declared);
        }
    }

    static String name(int tag) {
        return Tags.toString(tag) + " " + NAMES.getOrDefault(tag, "");
    }

    /** The value as text without padding; null when absent or empty. */
    String text(int tag) {
        Element e = elements.get(tag);
        if (e == null || e.valueLength() == 0 || e.undefinedLength()) {
            return null;
        }
        String s = new String(in.bytes(e.valueOffset(), e.valueLength()), charset);
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\0')) {
            end--;
        }
        int start = 0;
        if (vrOf(e) != Vr.LO && vrOf(e) != Vr.SH && vrOf(e) != Vr.LT && vrOf(e) != Vr.ST && vrOf(e) != Vr.UT) {
            while (start < end && s.charAt(start) == ' ') {
                start++;
            }
        }
        return start == end ? null : s.substring(start, end);
    }

    /** The first value as an integer; null when absent or empty. */
    Integer integer(int tag) {
        Element e = elements.get(tag);
        if (e == null || e.valueLength() == 0 || e.undefinedLength()) {
            return null;
        }
        Vr vr = vrOf(e);
        ByteOrder order = e.vr() == Vr.UN ? ByteOrder.LITTLE_ENDIAN : e.order();
        switch (vr) {
            case US, SS -> {
                requireBinary(e, tag, 2);
                int v = in.u16At(e.valueOffset(), order);
                return vr == Vr.SS ? (int) (short) v : v;
            }
            case UL, SL -> {
                requireBinary(e, tag, 4);
                long v = in.u32At(e.valueOffset(), order);
                if (vr == Vr.SL) {
                    return (int) v;
                }
                if (v > Integer.MAX_VALUE) {
                    throw invalid(tag, Long.toString(v), "an integer below 2^31");
                }
                return (int) v;
            }
            default -> {
                List<String> values = textValues(tag);
                if (values.isEmpty()) {
                    return null;
                }
                try {
                    return Integer.valueOf(values.get(0));
                } catch (NumberFormatException ex) {
                    throw invalid(tag, values.get(0), "an integer");
                }
            }
        }
    }

    /** Every value as a number; empty when absent or empty. */
    List<Double> decimals(int tag) {
        Element e = elements.get(tag);
        if (e == null || e.valueLength() == 0 || e.undefinedLength()) {
            return List.of();
        }
        Vr vr = vrOf(e);
        ByteOrder order = e.vr() == Vr.UN ? ByteOrder.LITTLE_ENDIAN : e.order();
        List<Double> out = new ArrayList<>();
        if (vr == Vr.FD || vr == Vr.FL) {
            int size = vr == Vr.FD ? 8 : 4;
            for (int off = 0; off + size <= e.valueLength(); off += size) {
                long bits = in.u32At(e.valueOffset() + off, order);
                if (size == 8) {
                    long other = in.u32At(e.valueOffset() + off + 4, order);
                    bits = order == ByteOrder.LITTLE_ENDIAN ? other << 32 | bits : bits << 32 | other;
                    out.add(Double.longBitsToDouble(bits));
                } else {
                    out.add((double) Float.intBitsToFloat((int) bits));
                }
            }
            return out;
        }
        for (String v : textValues(tag)) {
            try {
                double d = Double.parseDouble(v);
                if (!Double.isFinite(d)) {
                    throw new NumberFormatException("not finite");
                }
                out.add(d);
            } catch (NumberFormatException ex) {
                throw invalid(tag, v, "a decimal number");
            }
        }
        return out;
    }

    Double decimal(int tag) {
        List<Double> values = decimals(tag);
        return values.isEmpty() ? null : values.get(0);
    }

    private List<String> textValues(int tag) {
        String s = text(tag);
        if (s == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String v : s.split("\\\\", -1)) {
            String t = v.strip();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    private void requireBinary(Element e, int tag, int size) {
        if (e.valueLength() < size) {
            throw new DicomReadException(Problem.INVALID_VALUE, name(tag) + " holds " + e.valueLength()
                    + " bytes, fewer than one value of " + size);
        }
    }

    private static DicomReadException invalid(int tag, String value, String expected) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return new DicomReadException(Problem.INVALID_VALUE, name(tag) + " is '" + shown + "', not " + expected);
    }

    private static Vr vrOf(Element e) {
        if (e.vr() != null && e.vr() != Vr.UN) {
            return e.vr();
        }
        return DICTIONARY.getOrDefault(e.tag(), Vr.UN);
    }

    /** The character set of (0008,0005)'s first value; ISO 2022 code extensions fall back to Latin-1. */
    private static Charset charsetOf(String specificCharacterSet) {
        String first = specificCharacterSet.split("\\\\", -1)[0].strip().toUpperCase(Locale.ROOT);
        String name = switch (first) {
            case "ISO_IR 192" -> "UTF-8";
            case "GB18030" -> "GB18030";
            case "GBK" -> "GBK";
            case "ISO_IR 101", "ISO 2022 IR 101" -> "ISO-8859-2";
            case "ISO_IR 109", "ISO 2022 IR 109" -> "ISO-8859-3";
            case "ISO_IR 110", "ISO 2022 IR 110" -> "ISO-8859-4";
            case "ISO_IR 144", "ISO 2022 IR 144" -> "ISO-8859-5";
            case "ISO_IR 127", "ISO 2022 IR 127" -> "ISO-8859-6";
            case "ISO_IR 126", "ISO 2022 IR 126" -> "ISO-8859-7";
            case "ISO_IR 138", "ISO 2022 IR 138" -> "ISO-8859-8";
            case "ISO_IR 148", "ISO 2022 IR 148" -> "ISO-8859-9";
            case "ISO_IR 166", "ISO 2022 IR 166" -> "x-IBM874";
            default -> "ISO-8859-1";
        };
        try {
            return Charset.forName(name);
        } catch (RuntimeException e) {
            return StandardCharsets.ISO_8859_1;
        }
    }
}
