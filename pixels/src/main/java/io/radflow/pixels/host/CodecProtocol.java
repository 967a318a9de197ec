package io.radflow.pixels.host;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The wire format between a decoder and its codec host process: big-endian, length-prefixed
 * frames on the host's stdin (requests) and stdout (replies); nothing else may write to either.
 * Every message starts with a magic number, and a reply repeats its request's id, so a stray
 * byte on the host's stdout is detected as a protocol error instead of being read as pixels.
 *
 * <pre>
 * hello    (host, once at start): int HELLO, int VERSION, UTF gdcmVersion, long pid
 * request  (parent):              int REQUEST, long id, int fault, UTF transferSyntaxUid,
 *                                 int rows, columns, samplesPerPixel, bitsAllocated, bitsStored, highBit,
 *                                 pixelRepresentation, UTF photometricInterpretation, int planarConfiguration,
 *                                 int frames, long maxDecodedBytes, int chunkCount, chunkCount x (int length, bytes)
 * reply    (host):                int REPLY, long id, int status,
 *                                 OK:    UTF photometricInterpretation, int planarConfiguration, samplesPerPixel,
 *                                        bitsAllocated, bitsStored, highBit, pixelRepresentation, long length, bytes
 *                                 other: UTF message
 * </pre>
 *
 * A chunk is one frame's compressed bytes (fragments joined) when the frames are known, else one
 * fragment. Internal to the pixels module; public only because the host lives in its own package.
 */
public final class CodecProtocol {

    public static final int HELLO = 0x52464831; // "RFH1"
    public static final int REQUEST = 0x52465251; // "RFRQ"
    public static final int REPLY = 0x52465250; // "RFRP"
    public static final int VERSION = 1;

    /** Reply status: decoded; the pixel bytes follow. */
    public static final int OK = 0;
    /** Reply status: GDCM could not decode the data (corrupt or unsupported stream). */
    public static final int DECODE_FAILED = 1;
    /** Reply status: the host refused the request before decoding (a limit, an impossible geometry). */
    public static final int REFUSED = 2;

    /** No fault: the ordinary request. */
    public static final int NO_FAULT = 0;
    /** Test only: the host sleeps instead of decoding (honoured only with {@link CodecHost#TEST_HOOKS_PROPERTY}). */
    public static final int FAULT_HANG = 1;
    /** Test only: the host crashes the way a native codec does, with a segmentation fault. */
    public static final int FAULT_CRASH = 2;
    /** Test only: the host writes bytes that are not the protocol to its stdout, as a chatty native library would, then decodes. */
    public static final int FAULT_STDOUT_NOISE = 3;

    private CodecProtocol() {
    }

    /** What the parent asks for: the header fields GDCM needs to build its image, then the compressed bytes. */
    public record Request(long id, int fault, String transferSyntaxUid, int rows, int columns, int samplesPerPixel,
                          int bitsAllocated, int bitsStored, int highBit, int pixelRepresentation,
                          String photometricInterpretation, int planarConfiguration, int frames, long maxDecodedBytes,
                          List<ByteBuffer> chunks) {

        public Request {
            chunks = List.copyOf(chunks);
        }

        /** The request without its compressed bytes, as the host reads it before streaming the chunks. */
        public Request withoutChunks() {
            return new Request(id, fault, transferSyntaxUid, rows, columns, samplesPerPixel, bitsAllocated, bitsStored,
                    highBit, pixelRepresentation, photometricInterpretation, planarConfiguration, frames, maxDecodedBytes,
                    List.of());
        }
    }

    /** The layout GDCM reports for the decoded bytes. */
    public record DecodedLayout(String photometricInterpretation, int planarConfiguration, int samplesPerPixel,
                                int bitsAllocated, int bitsStored, int highBit, int pixelRepresentation) {
    }

    public static void writeHello(DataOutputStream out, String gdcmVersion, long pid) throws IOException {
        out.writeInt(HELLO);
        out.writeInt(VERSION);
        out.writeUTF(gdcmVersion);
        out.writeLong(pid);
        out.flush();
    }

    /** Writes a request; the chunks are written from their buffers without an intermediate copy. */
    public static void writeRequest(DataOutputStream out, Request r) throws IOException {
        out.writeInt(REQUEST);
        out.writeLong(r.id());
        out.writeInt(r.fault());
        out.writeUTF(r.transferSyntaxUid());
        out.writeInt(r.rows());
        out.writeInt(r.columns());
        out.writeInt(r.samplesPerPixel());
        out.writeInt(r.bitsAllocated());
        out.writeInt(r.bitsStored());
        out.writeInt(r.highBit());
        out.writeInt(r.pixelRepresentation());
        out.writeUTF(r.photometricInterpretation());
        out.writeInt(r.planarConfiguration());
        out.writeInt(r.frames());
        out.writeLong(r.maxDecodedBytes());
        out.writeInt(r.chunks().size());
        byte[] copy = new byte[64 << 10];
        for (ByteBuffer chunk : r.chunks()) {
            ByteBuffer b = chunk.duplicate();
            out.writeInt(b.remaining());
            if (b.hasArray()) {
                out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            } else {
                while (b.hasRemaining()) {
                    int n = Math.min(copy.length, b.remaining());
                    b.get(copy, 0, n);
                    out.write(copy, 0, n);
                }
            }
        }
        out.flush();
    }

    /** Reads a request up to (and including) its chunk count; the caller reads the chunks with {@link #readChunk}. */
    public static RequestHead readRequestHead(DataInputStream in) throws IOException {
        int magic = in.readInt();
        if (magic != REQUEST) {
            throw new IOException(String.format("not a request: magic 0x%08x", magic));
        }
        Request r = new Request(in.readLong(), in.readInt(), in.readUTF(), in.readInt(), in.readInt(), in.readInt(),
                in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readUTF(), in.readInt(), in.readInt(),
                in.readLong(), List.of());
        return new RequestHead(r, in.readInt());
    }

    /** A request's fields and how many chunks follow it. */
    public record RequestHead(Request request, int chunkCount) {
    }

    /** Reads one chunk, refusing a declared length above {@code max} (the stream is then unusable). */
    public static byte[] readChunk(DataInputStream in, long max) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > max) {
            throw new IOException("chunk of " + length + " bytes (at most " + max + ")");
        }
        byte[] b = new byte[length];
        in.readFully(b);
        return b;
    }

    public static void writeDecoded(DataOutputStream out, long id, DecodedLayout layout, byte[] pixels) throws IOException {
        out.writeInt(REPLY);
        out.writeLong(id);
        out.writeInt(OK);
        out.writeUTF(layout.photometricInterpretation());
        out.writeInt(layout.planarConfiguration());
        out.writeInt(layout.samplesPerPixel());
        out.writeInt(layout.bitsAllocated());
        out.writeInt(layout.bitsStored());
        out.writeInt(layout.highBit());
        out.writeInt(layout.pixelRepresentation());
        out.writeLong(pixels.length);
        out.write(pixels);
        out.flush();
    }

    public static void writeFailure(DataOutputStream out, long id, int status, String message) throws IOException {
        out.writeInt(REPLY);
        out.writeLong(id);
        out.writeInt(status);
        out.writeUTF(message.length() > 4000 ? message.substring(0, 4000) + "..." : message);
        out.flush();
    }

}
