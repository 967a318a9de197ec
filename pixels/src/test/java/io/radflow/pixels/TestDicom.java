package io.radflow.pixels;

import io.radflow.dicom.DicomAttributes;
import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Writes small explicit VR little endian DICOM files for tests: what real sample files do not cover. */
final class TestDicom {

    static final int ROWS = 0x0028_0010;
    static final int COLUMNS = 0x0028_0011;
    static final int SAMPLES_PER_PIXEL = 0x0028_0002;
    static final int PHOTOMETRIC = 0x0028_0004;
    static final int NUMBER_OF_FRAMES = 0x0028_0008;
    static final int PLANAR_CONFIGURATION = 0x0028_0006;
    static final int BITS_ALLOCATED = 0x0028_0100;
    static final int BITS_STORED = 0x0028_0101;
    static final int HIGH_BIT = 0x0028_0102;
    static final int PIXEL_REPRESENTATION = 0x0028_0103;
    static final int PIXEL_DATA = 0x7FE0_0010;

    private final String transferSyntax;
    private final Map<Integer, byte[]> elements = new TreeMap<>(Integer::compareUnsigned);

    private TestDicom(String transferSyntax) {
        this.transferSyntax = transferSyntax;
        text(0x0008_0016, "UI", "1.2.840.10008.5.1.4.1.1.7");
        text(0x0008_0018, "UI", "1.2.826.0.1.3680043.10.1234.99");
    }

    static TestDicom of(String transferSyntax) {
        return new TestDicom(transferSyntax);
    }

    /** A monochrome image description: rows x columns, 16 bits, unsigned. */
    static TestDicom mono16(String transferSyntax, int rows, int columns, int frames) {
        return of(transferSyntax).us(ROWS, rows).us(COLUMNS, columns).us(SAMPLES_PER_PIXEL, 1).us(BITS_ALLOCATED, 16)
                .us(BITS_STORED, 16).us(HIGH_BIT, 15).us(PIXEL_REPRESENTATION, 0).text(PHOTOMETRIC, "CS", "MONOCHROME2")
                .text(NUMBER_OF_FRAMES, "IS", String.valueOf(frames));
    }

    /** The pixel description of a real file, under another transfer syntax. */
    static TestDicom like(DicomFile f, String transferSyntax) {
        DicomAttributes a = f.attributes();
        TestDicom t = of(transferSyntax).us(ROWS, a.rows()).us(COLUMNS, a.columns()).us(SAMPLES_PER_PIXEL, a.samplesPerPixel())
                .us(BITS_ALLOCATED, a.bitsAllocated()).us(BITS_STORED, a.bitsStored()).us(HIGH_BIT, a.highBit())
                .us(PIXEL_REPRESENTATION, a.pixelRepresentation()).text(PHOTOMETRIC, "CS", a.photometricInterpretation())
                .text(NUMBER_OF_FRAMES, "IS", String.valueOf(f.numberOfFrames()));
        if (a.planarConfiguration() != null) {
            t.us(PLANAR_CONFIGURATION, a.planarConfiguration());
        }
        return t;
    }

    /** The fragments of a real compressed file, copied. */
    static List<byte[]> fragments(DicomFile f) {
        List<byte[]> out = new ArrayList<>();
        for (ByteBuffer b : f.encapsulatedPixelData().orElseThrow().fragments()) {
            byte[] copy = new byte[b.remaining()];
            b.duplicate().get(copy);
            out.add(copy);
        }
        return out;
    }

    TestDicom us(int tag, int value) {
        ByteBuffer b = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) value);
        return element(tag, "US", b.array());
    }

    TestDicom text(int tag, String vr, String value) {
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        if (v.length % 2 == 1) {
            v = (value + (vr.equals("UI") ? "\0" : " ")).getBytes(StandardCharsets.US_ASCII);
        }
        return element(tag, vr, v);
    }

    TestDicom remove(int tag) {
        elements.remove(tag);
        return this;
    }

    TestDicom nativePixels(byte[] pixels) {
        return element(PIXEL_DATA, "OW", pixels);
    }

    /** Encapsulated Pixel Data: an empty Basic Offset Table, then one item per fragment. */
    TestDicom encapsulated(List<byte[]> fragments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        header(out, PIXEL_DATA, "OB", 0xFFFF_FFFF);
        item(out, 0xFFFE_E000, new byte[0]);
        for (byte[] f : fragments) {
            item(out, 0xFFFE_E000, f.length % 2 == 0 ? f : java.util.Arrays.copyOf(f, f.length + 1));
        }
        item(out, 0xFFFE_E0DD, new byte[0]);
        elements.put(PIXEL_DATA, out.toByteArray());
        return this;
    }

    byte[] bytes() {
        ByteArrayOutputStream meta = new ByteArrayOutputStream();
        byte[] ts = (transferSyntax.length() % 2 == 1 ? transferSyntax + "\0" : transferSyntax).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream tsElement = new ByteArrayOutputStream();
        header(tsElement, 0x0002_0010, "UI", ts.length);
        tsElement.writeBytes(ts);
        header(meta, 0x0002_0000, "UL", 4);
        meta.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(tsElement.size()).array());
        meta.writeBytes(tsElement.toByteArray());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[128]);
        out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(meta.toByteArray());
        elements.values().forEach(out::writeBytes);
        return out.toByteArray();
    }

    DicomFile read() {
        return DicomReader.standard().read(bytes());
    }

    private TestDicom element(int tag, String vr, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] v = value.length % 2 == 0 ? value : java.util.Arrays.copyOf(value, value.length + 1);
        header(out, tag, vr, v.length);
        out.writeBytes(v);
        elements.put(tag, out.toByteArray());
        return this;
    }

    private static void header(ByteArrayOutputStream out, int tag, String vr, int length) {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) (tag >>> 16)).putShort((short) tag);
        b.put(vr.getBytes(StandardCharsets.US_ASCII));
        if (List.of("OB", "OW", "SQ", "UN", "UT").contains(vr)) {
            b.putShort((short) 0).putInt(length);
        } else {
            b.putShort((short) length);
        }
        out.write(b.array(), 0, b.position());
    }

    private static void item(ByteArrayOutputStream out, int tag, byte[] value) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) (tag >>> 16)).putShort((short) tag).putInt(value.length);
        out.write(b.array(), 0, 8);
        out.writeBytes(value);
    }
}
