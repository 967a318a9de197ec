package io.radflow.dicom;

import io.radflow.dicom.DicomReadException.Problem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A cursor over the input with bounds checks: every read and skip is checked against what is left,
 * so a corrupt length can never make the reader allocate or wait for more than the input holds.
 */
final class ByteInput {

    private final ByteBuffer buf;
    private final String where;
    private int pos;

    /** @param where how error messages name this input ("file", "inflated data set") */
    ByteInput(ByteBuffer buf, String where) {
        this.buf = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        this.where = where;
    }

    int position() {
        return pos;
    }

    void position(int p) {
        pos = p;
    }

    int size() {
        return buf.limit();
    }

    int remaining() {
        return buf.limit() - pos;
    }

    String where() {
        return where;
    }

    boolean has(int n) {
        return remaining() >= n;
    }

    void require(long n, String what) {
        if (n > remaining()) {
            throw new DicomReadException(Problem.TRUNCATED, what + " needs " + n + " bytes at offset " + pos + " of the "
                    + where + " but only " + remaining() + " are left (truncated input)");
        }
    }

    int u8(int at) {
        return buf.get(at) & 0xFF;
    }

    int u16(ByteOrder order) {
        int v = u16At(pos, order);
        pos += 2;
        return v;
    }

    int u16At(int at, ByteOrder order) {
        int a = buf.get(at) & 0xFF;
        int b = buf.get(at + 1) & 0xFF;
        return order == ByteOrder.LITTLE_ENDIAN ? a | b << 8 : a << 8 | b;
    }

    long u32(ByteOrder order) {
        long v = u32At(pos, order);
        pos += 4;
        return v;
    }

    long u32At(int at, ByteOrder order) {
        long lo = u16At(at, order);
        long hi = u16At(at + 2, order);
        return order == ByteOrder.LITTLE_ENDIAN ? lo | hi << 16 : lo << 16 | hi;
    }

    /** A tag: group then element, each in the given byte order. */
    int tag(ByteOrder order) {
        int group = u16(order);
        int element = u16(order);
        return group << 16 | element;
    }

    int tagAt(int at, ByteOrder order) {
        return u16At(at, order) << 16 | u16At(at + 2, order);
    }

    void skip(long n, String what) {
        require(n, what);
        pos += (int) n;
    }

    /** A read-only view of {@code length} bytes at {@code offset} (little endian order set). */
    ByteBuffer slice(int offset, int length) {
        return buf.slice(offset, length).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    byte[] bytes(int offset, int length) {
        byte[] out = new byte[length];
        buf.get(offset, out);
        return out;
    }

    /** The rest of the input from the current position, as a view. */
    ByteBuffer rest() {
        return buf.slice(pos, remaining());
    }
}
