package io.radflow.dicomtools;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An array in NumPy's {@code .npy} format, version 1.0 (numpy/lib/format.py, "NEP 1"): the magic
 * {@code \x93NUMPY}, version bytes 1 and 0, the header length as a little-endian uint16, then an
 * ASCII header, a Python dict literal such as
 * {@code {'descr': '<i2', 'fortran_order': False, 'shape': (512, 512), }}, padded with spaces and
 * ended by a newline so that the data starts at a multiple of 64 bytes, then the data in C order.
 * {@code numpy.load} reads it. Written by hand: the format is this small, and no Java library for it
 * is among those this build can reach.
 *
 * @param descr NumPy's type string: byte order ({@code <} little endian, {@code |} not applicable),
 *              kind ({@code i} signed, {@code u} unsigned) and size in bytes, e.g. {@code <u2}
 * @param shape the dimensions, C order (the last varies fastest)
 * @param data  the elements in {@code descr}'s byte order, C order
 */
public record NpyArray(String descr, int[] shape, byte[] data) {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    private static final int ALIGNMENT = 64;

    public NpyArray {
        if (!descr.matches("[<>|][iuf][1248]")) {
            throw new IllegalArgumentException("not a numeric NumPy type string: '" + descr + "'");
        }
        shape = shape.clone();
        long elements = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            elements *= d;
        }
        if (elements * itemSize(descr) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + descr + " needs "
                    + elements * itemSize(descr) + " bytes, got " + data.length);
        }
    }

    /** The header dict as NumPy writes it, e.g. {@code {'descr': '<i2', 'fortran_order': False, 'shape': (2, 3), }}. */
    public String headerDict() {
        String dims = Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        String tuple = shape.length == 1 ? "(" + dims + ",)" : "(" + dims + ")";
        return String.format(Locale.ROOT, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, tuple);
    }

    public void writeTo(OutputStream out) throws IOException {
        String dict = headerDict();
        int unpadded = MAGIC.length + 2 + dict.length() + 1; // + '\n'
        int padding = (ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT;
        int headerLength = dict.length() + padding + 1;
        if (headerLength > 0xFFFF) {
            throw new IllegalStateException("a header of " + headerLength + " bytes needs .npy version 2.0");
        }
        out.write(MAGIC);
        out.write(headerLength & 0xFF);
        out.write(headerLength >>> 8);
        out.write((dict + " ".repeat(padding) + "\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
    }

    private static int itemSize(String descr) {
        return descr.charAt(2) - '0';
    }
}
