package io.radflow.pixels.host;

import gdcm.DataElement;
import gdcm.Fragment;
import gdcm.Image;
import gdcm.PhotometricInterpretation;
import gdcm.SmartPtrFrag;
import gdcm.SequenceOfFragments;
import gdcm.Tag;
import io.radflow.pixels.host.CodecProtocol.DecodedLayout;
import io.radflow.pixels.host.CodecProtocol.Request;
import io.radflow.pixels.host.CodecProtocol.RequestHead;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * GDCM's decoding, inside the codec host: the image is built in memory from the request's header
 * fields and compressed chunks (the way pydicom's GDCM handler does it), then
 * {@code Image.GetBuffer} decodes every frame into one buffer. The size GDCM will produce is
 * checked against the limit and against what the header promises before any pixel buffer exists.
 */
final class GdcmCodec {

    private final boolean testHooks;

    GdcmCodec(boolean testHooks) {
        this.testHooks = testHooks;
    }

    static String version() {
        return gdcm.Version.GetVersion();
    }

    /** Reads the rest of one request (its chunks), decodes it and writes the reply. */
    void handle(RequestHead head, DataInputStream in, DataOutputStream out) throws IOException {
        Request r = head.request();
        long max = r.maxDecodedBytes();
        String refusal = refusal(r, head.chunkCount());
        if (refusal != null) {
            skipChunks(in, head.chunkCount(), max);
            CodecProtocol.writeFailure(out, r.id(), CodecProtocol.REFUSED, refusal);
            return;
        }
        SmartPtrFrag fragments = SequenceOfFragments.New();
        long total = 0;
        for (int i = 0; i < head.chunkCount(); i++) {
            byte[] chunk = CodecProtocol.readChunk(in, max);
            total += chunk.length;
            if (total > max) {
                skipChunks(in, head.chunkCount() - i - 1, max);
                CodecProtocol.writeFailure(out, r.id(), CodecProtocol.REFUSED, "more than " + max + " bytes of compressed data");
                return;
            }
            Fragment f = new Fragment();
            f.SetArray(chunk, chunk.length); // copied into GDCM's memory; the Java array can go
            fragments.AddFragment(f);
        }
        if (r.fault() != CodecProtocol.NO_FAULT) {
            if (!testHooks) {
                CodecProtocol.writeFailure(out, r.id(), CodecProtocol.REFUSED, "test faults are disabled in this codec host");
                return;
            }
            injectFault(r.fault(), out);
        }
        decode(r, fragments, out);
    }

    private static String refusal(Request r, int chunkCount) {
        if (r.rows() < 1 || r.columns() < 1 || r.frames() < 1 || r.samplesPerPixel() < 1 || r.samplesPerPixel() > 4) {
            return "impossible geometry: " + r.rows() + " rows, " + r.columns() + " columns, " + r.samplesPerPixel()
                    + " samples per pixel, " + r.frames() + " frames";
        }
        int ba = r.bitsAllocated();
        if (ba != 1 && ba != 8 && ba != 16 && ba != 32) {
            return "cannot decode " + ba + " bits allocated (1, 8, 16 or 32)";
        }
        if (r.bitsStored() < 1 || r.bitsStored() > ba || r.highBit() < r.bitsStored() - 1 || r.highBit() >= ba) {
            return "impossible bit layout: " + r.bitsStored() + " bits stored, high bit " + r.highBit() + ", " + ba
                    + " bits allocated";
        }
        long expected = expectedBytes(r.rows(), r.columns(), r.samplesPerPixel(), ba, r.frames());
        if (expected > r.maxDecodedBytes()) {
            return "decoded pixel data would be " + expected + " bytes, more than the limit of " + r.maxDecodedBytes();
        }
        if (chunkCount < 1) {
            return "no compressed data";
        }
        if (gdcm.TransferSyntax.GetTSType(r.transferSyntaxUid()) == gdcm.TransferSyntax.TSType.TS_END) {
            return "GDCM " + version() + " does not know transfer syntax " + r.transferSyntaxUid();
        }
        if (PhotometricInterpretation.GetPIType(r.photometricInterpretation()) == PhotometricInterpretation.PIType.PI_END
                || PhotometricInterpretation.GetPIType(r.photometricInterpretation()) == PhotometricInterpretation.PIType.UNKNOWN) {
            return "GDCM does not know photometric interpretation '" + r.photometricInterpretation() + "'";
        }
        return null;
    }

    static long expectedBytes(long rows, long columns, long samples, long bitsAllocated, long frames) {
        // multiplied in this order, every factor is bounded (2^16, 2^16, 4, 32, 2^31), so no overflow
        return (rows * columns * samples * bitsAllocated + 7) / 8 * frames;
    }

    private static void decode(Request r, SmartPtrFrag fragments, DataOutputStream out) throws IOException {
        DataElement pixelData = new DataElement(new Tag(0x7fe0, 0x0010));
        pixelData.SetValue(fragments.__ref__());
        pixelData.SetVLToUndefined();
        Image image = new Image();
        image.SetNumberOfDimensions(r.frames() > 1 ? 3 : 2);
        image.SetDimension(0, r.columns());
        image.SetDimension(1, r.rows());
        if (r.frames() > 1) {
            image.SetDimension(2, r.frames());
        }
        image.SetDataElement(pixelData);
        image.SetPhotometricInterpretation(new PhotometricInterpretation(
                PhotometricInterpretation.GetPIType(r.photometricInterpretation())));
        image.SetTransferSyntax(new gdcm.TransferSyntax(gdcm.TransferSyntax.GetTSType(r.transferSyntaxUid())));
        image.SetPixelFormat(new gdcm.PixelFormat(r.samplesPerPixel(), r.bitsAllocated(), r.bitsStored(), r.highBit(),
                r.pixelRepresentation()));
        image.SetPlanarConfiguration(r.planarConfiguration());

        long expected = expectedBytes(r.rows(), r.columns(), r.samplesPerPixel(), r.bitsAllocated(), r.frames());
        long length = image.GetBufferLength();
        if (length != expected) {
            CodecProtocol.writeFailure(out, r.id(), CodecProtocol.DECODE_FAILED, "GDCM would produce " + length
                    + " bytes where the header promises " + expected);
            return;
        }
        byte[] pixels = new byte[(int) length];
        if (!image.GetBuffer(pixels)) {
            CodecProtocol.writeFailure(out, r.id(), CodecProtocol.DECODE_FAILED, "GDCM could not decode the "
                    + r.transferSyntaxUid() + " pixel data (corrupt or unsupported codestream)");
            return;
        }
        gdcm.PixelFormat pf = image.GetPixelFormat();
        DecodedLayout layout = new DecodedLayout(image.GetPhotometricInterpretation().GetString().strip(),
                (int) image.GetPlanarConfiguration(), pf.GetSamplesPerPixel(), pf.GetBitsAllocated(), pf.GetBitsStored(),
                pf.GetHighBit(), pf.GetPixelRepresentation());
        long decoded = expectedBytes(r.rows(), r.columns(), layout.samplesPerPixel(), layout.bitsAllocated(), r.frames());
        if (decoded != length) {
            CodecProtocol.writeFailure(out, r.id(), CodecProtocol.DECODE_FAILED, "GDCM decoded " + length + " bytes but "
                    + "reports " + layout.samplesPerPixel() + " samples of " + layout.bitsAllocated() + " bits, which make "
                    + decoded);
            return;
        }
        CodecProtocol.writeDecoded(out, r.id(), layout, pixels);
    }

    private static void skipChunks(DataInputStream in, int count, long max) throws IOException {
        for (int i = 0; i < count; i++) {
            int length = in.readInt();
            if (length < 0 || length > max) {
                throw new IOException("chunk of " + length + " bytes (at most " + max + ")");
            }
            in.skipNBytes(length);
        }
    }

    /** Test faults: a decoder that never returns, or one that crashes the process in native code. */
    private static void injectFault(int fault, DataOutputStream out) throws IOException {
        if (fault == CodecProtocol.FAULT_STDOUT_NOISE) {
            System.err.println("test fault: printing to stdout");
            out.write("GDCM says hello on stdout\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return;
        }
        if (fault == CodecProtocol.FAULT_HANG) {
            System.err.println("test fault: hanging instead of decoding");
            while (true) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException ignored) {
                    // keep hanging: only the parent's kill ends this
                }
            }
        }
        if (fault == CodecProtocol.FAULT_CRASH) {
            System.err.println("test fault: writing to address 0, as a broken codec would");
            try {
                Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
                Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
                theUnsafe.setAccessible(true);
                Method putAddress = unsafeClass.getMethod("putAddress", long.class, long.class);
                putAddress.invoke(theUnsafe.get(null), 0L, 42L);
            } catch (ReflectiveOperationException e) {
                System.err.println("test fault: no segmentation fault (" + e + "); halting instead");
            }
            Runtime.getRuntime().halt(134);
        }
    }
}
