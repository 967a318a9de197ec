package io.radflow.registry.artifacts;

import io.radflow.common.error.Reason;
import io.radflow.registry.RegistryException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks that a file is an ONNX model without loading it: the protobuf structure of the
 * top-level {@code ModelProto} and of its {@code GraphProto} must be well formed, with an
 * {@code ir_version} (field 1) and a non-empty {@code graph} (field 7). Catches the usual
 * mistakes (a truncated upload, a PyTorch .pt, an HTML error page) in one streaming pass.
 */
public final class OnnxCheck {

    private static final int IR_VERSION = 1;
    private static final int GRAPH = 7;
    private static final int MAX_FIELD_NUMBER = 100;

    private OnnxCheck() {
    }

    public static void check(Path file) {
        try (InputStream raw = Files.newInputStream(file); Counting in = new Counting(new BufferedInputStream(raw, 1 << 16))) {
            long size = Files.size(file);
            boolean[] seen = new boolean[2];
            walk(in, size, (number, wireType, length) -> {
                if (number == IR_VERSION && wireType == 0) {
                    seen[0] = true;
                } else if (number == GRAPH && wireType == 2) {
                    if (length == 0) {
                        throw corrupt("its graph is empty");
                    }
                    seen[1] = true;
                    walk(in, in.position + length, (n, w, l) -> skip(in, w, l));
                    return;
                }
                skip(in, wireType, length);
            });
            if (!seen[0] || !seen[1]) {
                throw corrupt(!seen[0] ? "it has no ir_version" : "it has no graph");
            }
        } catch (EOFException e) {
            throw corrupt("it is truncated");
        } catch (IOException e) {
            throw new RegistryException(Reason.INVALID_ARTIFACT, "cannot read the uploaded ONNX file: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface FieldVisitor {
        /** Must consume the field's payload (length: bytes of a length-delimited field, else 0). */
        void field(int number, int wireType, long length) throws IOException;
    }

    private static void walk(Counting in, long end, FieldVisitor visitor) throws IOException {
        while (in.position < end) {
            long tag = varint(in);
            int wireType = (int) (tag & 7);
            long number = tag >>> 3;
            if (number < 1 || number > MAX_FIELD_NUMBER) {
                throw corrupt("field number " + number + " at byte " + in.position + " is not an ONNX field");
            }
            long length = 0;
            switch (wireType) {
                case 0, 1, 5 -> { }
                case 2 -> {
                    length = varint(in);
                    if (length < 0 || in.position + length > end) {
                        throw corrupt("a field at byte " + in.position + " runs past the end of its message");
                    }
                }
                default -> throw corrupt("wire type " + wireType + " at byte " + in.position + " is not valid protobuf");
            }
            visitor.field((int) number, wireType, length);
        }
        if (in.position != end) {
            throw corrupt("a message ends inside a field");
        }
    }

    private static void skip(Counting in, int wireType, long length) throws IOException {
        switch (wireType) {
            case 0 -> varint(in);
            case 1 -> in.skipExactly(8);
            case 5 -> in.skipExactly(4);
            default -> in.skipExactly(length);
        }
    }

    private static long varint(Counting in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw corrupt("a varint is longer than 10 bytes");
    }

    private static RegistryException corrupt(String why) {
        return new RegistryException(Reason.INVALID_ARTIFACT, "the artifact is not a valid ONNX model: " + why);
    }

    /** An input stream that knows how far it has read. */
    private static final class Counting extends InputStream {
        private final InputStream in;
        long position;

        Counting(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                position++;
            }
            return b;
        }

        void skipExactly(long n) throws IOException {
            in.skipNBytes(n);
            position += n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
