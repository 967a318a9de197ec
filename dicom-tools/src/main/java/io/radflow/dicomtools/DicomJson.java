package io.radflow.dicomtools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.OtherByteAttributeCompressedSeparateFramesOnDisk;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.UnsignedVeryLongAttribute;
import io.radflow.dicom.DicomReadException;
import io.radflow.dicom.DicomReadException.Problem;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * A data set as DICOM JSON (PS3.18 F.2): an object keyed by the tags as 8 upper-case hex digits,
 * each attribute {@code {"vr": ..., "Value": [...]}} with
 * <ul>
 *   <li>PN values as {@code {"Alphabetic": ..., "Ideographic": ..., "Phonetic": ...}} (the groups
 *       the value has),</li>
 *   <li>SQ values as arrays of data set objects,</li>
 *   <li>numbers as JSON numbers: US, SS, UL, SL, UV, SV, FL, FD, and IS and DS too (DS keeps its
 *       written digits; a value that is no number stays a string rather than being dropped),</li>
 *   <li>AT values as tag strings ({@code "00100010"}),</li>
 *   <li>an empty value inside a multi-valued attribute as {@code null}; an attribute without any
 *       value has no {@code "Value"}.</li>
 * </ul>
 * Binary values (OB, OD, OF, OL, OV, OW, UN) up to the bulk data threshold are inline
 * ({@code "InlineBinary"}, base64 of the little-endian bytes). Longer ones, and encapsulated
 * (compressed) pixel data whatever its size, are left out: {@code "BulkDataLength"} gives their
 * length in bytes instead. That key is Radflow's extension; PS3.18 would put a
 * {@code "BulkDataURI"} there, which a file on disk has none of, and DICOM JSON readers ignore keys
 * they do not know. For encapsulated pixel data, always OB (PS3.5 A.4) whatever a writer put, the
 * length is that of the compressed frames as PixelMed splits them ({@link DicomDump} puts the exact
 * bytes of the fragments there).
 *
 * <p>Attributes come in PixelMed's order, which is tag order, so file meta information (group
 * 0002) is first when the list holds it. The VRs are the file's, or for implicit VR files those of
 * PixelMed's data dictionary (unknown private attributes are UN).
 */
public final class DicomJson {

    /** Binary values longer than this many bytes are left out (as pydicom's {@code to_json_dict} default). */
    public static final int DEFAULT_BULK_DATA_THRESHOLD = 1024;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> BINARY_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "UN");
    /** Single-valued text VRs, in which a backslash is text rather than a value delimiter. */
    private static final Set<String> TEXT_VRS = Set.of("LT", "ST", "UT", "UR");
    private static final String[] PN_GROUPS = {"Alphabetic", "Ideographic", "Phonetic"};
    private static final long UNDEFINED_LENGTH = 0xFFFF_FFFFL;

    private final int bulkDataThreshold;

    private DicomJson(int bulkDataThreshold) {
        this.bulkDataThreshold = bulkDataThreshold;
    }

    /** The list as DICOM JSON, binary values over {@value #DEFAULT_BULK_DATA_THRESHOLD} bytes left out. */
    public static ObjectNode of(AttributeList list) {
        return of(list, DEFAULT_BULK_DATA_THRESHOLD);
    }

    /**
     * The list as DICOM JSON, binary values over {@code bulkDataThreshold} bytes left out.
     *
     * @throws DicomReadException MALFORMED when PixelMed cannot give a value it parsed
     */
    public static ObjectNode of(AttributeList list, int bulkDataThreshold) {
        if (bulkDataThreshold < 0) {
            throw new IllegalArgumentException("bulkDataThreshold must not be negative");
        }
        return new DicomJson(bulkDataThreshold).dataSet(list);
    }

    /** The tag as DICOM JSON keys and AT values write it: 8 upper-case hex digits. */
    public static String tag(AttributeTag tag) {
        return String.format(Locale.ROOT, "%04X%04X", tag.getGroup(), tag.getElement());
    }

    private ObjectNode dataSet(AttributeList list) {
        ObjectNode out = NODES.objectNode();
        for (Attribute a : list.values()) {
            out.set(tag(a.getTag()), attribute(a));
        }
        return out;
    }

    private ObjectNode attribute(Attribute a) {
        // PixelMed 20220618's UnsignedVeryLongAttribute reports UL as its VR.
        String vr = a instanceof UnsignedVeryLongAttribute ? "UV" : a.getVRAsString();
        ObjectNode out = NODES.objectNode();
        out.put("vr", vr);
        try {
            if (a instanceof SequenceAttribute sq) {
                if (sq.getNumberOfItems() > 0) {
                    ArrayNode items = out.putArray("Value");
                    for (Iterator<SequenceItem> it = sq.iterator(); it.hasNext(); ) {
                        items.add(dataSet(it.next().getAttributeList()));
                    }
                }
            } else if (a.getVL() == UNDEFINED_LENGTH) {
                Long length = encapsulatedLength(a);
                if (length != null) {
                    out.put("BulkDataLength", length);
                }
            } else if (BINARY_VRS.contains(vr)) {
                binary(a, out);
            } else {
                ArrayNode values = values(a, vr);
                if (values != null) {
                    out.set("Value", values);
                }
            }
        } catch (DicomException | RuntimeException e) {
            throw new DicomReadException(Problem.MALFORMED, "cannot read the value of " + a.getTag() + " " + vr + ": "
                    + e.getMessage(), e);
        }
        return out;
    }

    private void binary(Attribute a, ObjectNode out) throws DicomException {
        long length = a.getVL();
        if (length == 0) {
            return;
        }
        if (length > bulkDataThreshold) {
            out.put("BulkDataLength", length);
            return;
        }
        out.put("InlineBinary", Base64.getEncoder().encodeToString(a.getByteValues(false)));
    }

    /** The bytes of the compressed frames, or null where PixelMed's attribute does not tell. */
    private static Long encapsulatedLength(Attribute a) {
        long length = 0;
        if (a instanceof OtherByteAttributeMultipleCompressedFrames frames) {
            for (byte[] f : frames.getFrames()) {
                length += f.length;
            }
        } else if (a instanceof OtherByteAttributeCompressedSeparateFramesOnDisk onDisk) {
            for (long[] items : onDisk.getFrameItemLengths()) {
                for (long n : items) {
                    length += n;
                }
            }
        } else {
            return null;
        }
        return length;
    }

    /** The values as JSON, or null when the attribute has none. */
    private static ArrayNode values(Attribute a, String vr) throws DicomException {
        if (a.getVL() == 0 || a.getVM() == 0) {
            return null;
        }
        ArrayNode out = NODES.arrayNode();
        switch (vr) {
            case "AT" -> {
                for (AttributeTag t : ((AttributeTagAttribute) a).getAttributeTagValues()) {
                    out.add(tag(t));
                }
            }
            case "US", "UL", "SS", "SL", "SV" -> {
                for (long v : a.getLongValues()) {
                    out.add(v);
                }
            }
            case "UV" -> {
                for (long v : a.getLongValues()) {
                    out.add(new BigInteger(Long.toUnsignedString(v)));
                }
            }
            case "FL" -> {
                for (float v : a.getFloatValues()) {
                    out.add(v);
                }
            }
            case "FD" -> {
                for (double v : a.getDoubleValues()) {
                    out.add(v);
                }
            }
            default -> strings(a, vr, out);
        }
        return out.isEmpty() ? null : out;
    }

    private static void strings(Attribute a, String vr, ArrayNode out) throws DicomException {
        String[] values = a.getStringValues();
        if (values == null) {
            return;
        }
        if (TEXT_VRS.contains(vr) && values.length > 1) {
            values = new String[] {String.join("\\", values)};
        }
        boolean empty = true;
        for (String v : values) {
            empty &= v == null || v.isBlank();
        }
        if (empty && values.length <= 1) {
            return;
        }
        for (String raw : values) {
            String v = raw == null ? "" : stripTrailing(vr, raw);
            if (v.isEmpty()) {
                out.addNull();
                continue;
            }
            switch (vr) {
                case "PN" -> out.add(personName(v));
                case "IS" -> {
                    try {
                        out.add(new BigInteger(v.strip().replaceFirst("^\\+", "")));
                    } catch (NumberFormatException e) {
                        out.add(v);
                    }
                }
                case "DS" -> {
                    try {
                        // As a DecimalNode, not through the factory, which would turn "5.000000" into 5.
                        out.add(DecimalNode.valueOf(new BigDecimal(v.strip())));
                    } catch (NumberFormatException e) {
                        out.add(v);
                    }
                }
                default -> out.add(v);
            }
        }
    }

    /** Padding is not part of a value: trailing spaces (and the NUL that pads a UI). */
    private static String stripTrailing(String vr, String v) {
        int end = v.length();
        while (end > 0 && (v.charAt(end - 1) == ' ' || v.charAt(end - 1) == '\0')) {
            end--;
        }
        String s = v.substring(0, end);
        // Leading spaces are padding too except in the text VRs, where they are content.
        return TEXT_VRS.contains(vr) ? s : s.stripLeading();
    }

    private static ObjectNode personName(String value) {
        ObjectNode pn = NODES.objectNode();
        String[] groups = value.split("=", -1);
        for (int i = 0; i < groups.length && i < PN_GROUPS.length; i++) {
            if (!groups[i].isEmpty()) {
                pn.put(PN_GROUPS[i], groups[i]);
            }
        }
        return pn;
    }
}
