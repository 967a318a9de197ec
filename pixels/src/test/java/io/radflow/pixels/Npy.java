package io.radflow.pixels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/** A gzip'd NumPy .npy array of integers (what reference_arrays.py writes), as longs in C order. */
record Npy(String descr, int[] shape, long[] values) {

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<>|=])([iub])(\\d+)'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    static Npy readGzip(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            bytes = in.readAllBytes();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.get() != (byte) 0x93 || b.get() != 'N' || b.get() != 'U' || b.get() != 'M' || b.get() != 'P' || b.get() != 'Y') {
            throw new IOException(file + " is not a .npy array");
        }
        int major = b.get();
        b.get();
        int headerLength = major == 1 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
        String header = new String(bytes, b.position(), headerLength, StandardCharsets.ISO_8859_1);
        b.position(b.position() + headerLength);
        if (header.contains("'fortran_order': True")) {
            throw new IOException(file + " is in Fortran order");
        }
        Matcher d = DESCR.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !s.find()) {
            throw new IOException(file + ": cannot read the header " + header);
        }
        int[] shape = Arrays.stream(s.group(1).split(",")).map(String::strip).filter(x -> !x.isEmpty())
                .mapToInt(Integer::parseInt).toArray();
        long count = Arrays.stream(shape).asLongStream().reduce(1, (x, y) -> x * y);
        char kind = d.group(2).charAt(0);
        int size = Integer.parseInt(d.group(3));
        if (d.group(1).equals(">")) {
            b.order(ByteOrder.BIG_ENDIAN);
        }
        long[] values = new long[(int) count];
        for (int i = 0; i < count; i++) {
            values[i] = switch (size) {
                case 1 -> kind == 'i' ? b.get() : Byte.toUnsignedLong(b.get());
                case 2 -> kind == 'i' ? b.getShort() : Short.toUnsignedLong(b.getShort());
                case 4 -> kind == 'i' ? b.getInt() : Integer.toUnsignedLong(b.getInt());
                case 8 -> b.getLong();
                default -> throw new IOException(file + ": unsupported item size " + size);
            };
        }
        return new Npy(d.group(2) + d.group(3), shape, values);
    }
}
