package io.radflow.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;

/** Writes small synthetic DICOM inputs for tests: the cases real sample files do not cover. */
final class TestDicom {

    private TestDicom() {
    }

    static final int UNDEFINED = 0xFFFF_FFFF;

    /** Preamble, 'DICM', file meta naming the transfer syntax, then the data set bytes. */
    static byte[] part10(String transferSyntax, byte[] dataset) {
        Dataset meta = new Dataset(true, ByteOrder.LITTLE_ENDIAN).text(Tags.TRANSFER_SYNTAX_UID, "UI", transferSyntax);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[128]);
        out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(meta.bytes());
        out.writeBytes(dataset);
        return out.toByteArray();
    }

    static byte[] deflate(byte[] raw) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(raw);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    /** A data set under construction in one encoding. */
    static final class Dataset {
        private final boolean explicit;
        private final ByteOrder order;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Dataset(boolean explicit, ByteOrder order) {
            this.explicit = explicit;
            this.order = order;
        }

        static Dataset explicitLe() {
            return new Dataset(true, ByteOrder.LITTLE_ENDIAN);
        }

        static Dataset implicitLe() {
            return new Dataset(false, ByteOrder.LITTLE_ENDIAN);
        }

        static Dataset explicitBe() {
            return new Dataset(true, ByteOrder.BIG_ENDIAN);
        }

        Dataset header(int tag, String vr, int length) {
            u16(tag >>> 16);
            u16(tag & 0xFFFF);
            if (!explicit || vr == null) {
                u32(length);
                return this;
            }
            out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
            if (List.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV").contains(vr)) {
                u16(0);
                u32(length);
            } else {
                u16(length);
            }
            return this;
        }

        Dataset element(int tag, String vr, byte[] value) {
            header(tag, vr, value.length);
            out.writeBytes(value);
            return this;
        }

        Dataset text(int tag, String vr, String value) {
            byte[] b = value.getBytes(StandardCharsets.ISO_8859_1);
            if (b.length % 2 == 1) {
                byte[] padded = new byte[b.length + 1];
                System.arraycopy(b, 0, padded, 0, b.length);
                padded[b.length] = (byte) (vr.equals("UI") ? 0 : ' ');
                b = padded;
            }
            return element(tag, vr, b);
        }

        Dataset us(int tag, int value) {
            return element(tag, "US", ByteBuffer.allocate(2).order(order).putShort((short) value).array());
        }

        /** A sequence of undefined length whose items have undefined length too. */
        Dataset sequence(int tag, Dataset... items) {
            header(tag, "SQ", UNDEFINED);
            for (Dataset item : items) {
                u16(0xFFFE);
                u16(0xE000);
                u32(UNDEFINED);
                out.writeBytes(item.bytes());
                u16(0xFFFE);
                u16(0xE00D);
                u32(0);
            }
            u16(0xFFFE);
            u16(0xE0DD);
            u32(0);
            return this;
        }

        /** A sequence of defined length with items of defined length. */
        Dataset definedSequence(int tag, Dataset... items) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (Dataset item : items) {
                byte[] b = item.bytes();
                Dataset h = new Dataset(explicit, order);
                h.u16(0xFFFE);
                h.u16(0xE000);
                h.u32(b.length);
                body.writeBytes(h.bytes());
                body.writeBytes(b);
            }
            return element(tag, "SQ", body.toByteArray());
        }

        Dataset encapsulatedPixels(List<Integer> offsetTable, byte[]... fragments) {
            header(Tags.PIXEL_DATA, "OB", UNDEFINED);
            u16(0xFFFE);
            u16(0xE000);
            u32(offsetTable.size() * 4);
            offsetTable.forEach(this::u32);
            for (byte[] f : fragments) {
                u16(0xFFFE);
                u16(0xE000);
                u32(f.length);
                out.writeBytes(f);
            }
            u16(0xFFFE);
            u16(0xE0DD);
            u32(0);
            return this;
        }

        Dataset raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void u16(int v) {
            out.writeBytes(ByteBuffer.allocate(2).order(order).putShort((short) v).array());
        }

        private void u32(int v) {
            out.writeBytes(ByteBuffer.allocate(4).order(order).putInt(v).array());
        }
    }
}
