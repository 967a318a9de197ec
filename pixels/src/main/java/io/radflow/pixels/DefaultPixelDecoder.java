package io.radflow.pixels;

import io.radflow.dicom.DicomAttributes;
import io.radflow.dicom.DicomFile;
import io.radflow.dicom.EncapsulatedPixelData;
import io.radflow.dicom.NativeFrame;
import io.radflow.dicom.PixelFormat;
import io.radflow.pixels.CodecProcess.Reply;
import io.radflow.pixels.PixelDecodeException.Problem;
import io.radflow.pixels.TransferSyntaxSupport.Route;
import io.radflow.pixels.host.CodecProtocol;
import io.radflow.pixels.host.CodecProtocol.DecodedLayout;
import io.radflow.pixels.host.CodecProtocol.Request;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pixel decoder: native syntaxes through {@link NativePixels} in this JVM, compressed ones
 * through GDCM in the {@link CodecPool}'s processes, the rest refused naming the syntax.
 */
final class DefaultPixelDecoder implements PixelDecoder {

    private final CodecSettings settings;
    private final CodecPool pool;

    DefaultPixelDecoder(CodecSettings settings) {
        this.settings = settings;
        this.pool = new CodecPool(settings);
    }

    @Override
    public DecodedPixels decode(DicomFile file) {
        return decode(file, CodecProtocol.NO_FAULT);
    }

    /** {@link #decode(DicomFile)} with a test fault for the codec host (tests only; the host must allow them). */
    DecodedPixels decode(DicomFile file, int testFault) {
        String uid = file.transferSyntax().uid();
        if (file.stoppedBeforePixelData()) {
            throw new PixelDecodeException(Problem.NO_PIXEL_DATA, "the instance was read header-only "
                    + "(DicomReader.headerOnly()): read it with DicomReader.standard() to decode its pixels");
        }
        if (!file.hasPixelData()) {
            throw new PixelDecodeException(Problem.NO_PIXEL_DATA, "the instance has no Pixel Data (7fe0,0010)"
                    + (file.attributes().sopClassUid() == null ? "" : " (SOP class " + file.attributes().sopClassUid() + ")"));
        }
        Route route = TransferSyntaxSupport.route(uid);
        if (route == Route.UNSUPPORTED) {
            throw new PixelDecodeException(Problem.UNSUPPORTED_TRANSFER_SYNTAX, "no codec here decodes transfer syntax "
                    + TransferSyntaxSupport.describe(uid));
        }
        boolean encapsulated = file.encapsulatedPixelData().isPresent();
        if (route == Route.NATIVE) {
            if (encapsulated) {
                throw new PixelDecodeException(Problem.BAD_GEOMETRY, "Pixel Data is encapsulated (undefined length) "
                        + "although transfer syntax " + TransferSyntaxSupport.describe(uid) + " is not compressed");
            }
            return NativePixels.decode(file, settings.maxDecodedBytes());
        }
        if (!encapsulated) {
            throw new PixelDecodeException(Problem.BAD_GEOMETRY, "Pixel Data is not encapsulated although transfer syntax "
                    + TransferSyntaxSupport.describe(uid) + " is compressed");
        }
        return decodeCompressed(file, file.encapsulatedPixelData().get(), testFault);
    }

    private DecodedPixels decodeCompressed(DicomFile file, EncapsulatedPixelData px, int testFault) {
        DicomAttributes a = file.attributes();
        String uid = file.transferSyntax().uid();
        int rows = require(a.rows(), "Rows");
        int columns = require(a.columns(), "Columns");
        int samples = require(a.samplesPerPixel(), "Samples per Pixel");
        int allocated = require(a.bitsAllocated(), "Bits Allocated");
        int stored = a.bitsStored() == null ? allocated : a.bitsStored();
        int high = a.highBit() == null ? stored - 1 : a.highBit();
        int representation = a.pixelRepresentation() == null ? 0 : a.pixelRepresentation();
        int planar = a.planarConfiguration() == null ? 0 : a.planarConfiguration();
        String pi = a.photometricInterpretation() == null ? "" : a.photometricInterpretation().strip().toUpperCase(Locale.ROOT);
        int frames = file.numberOfFrames();
        if (rows < 1 || columns < 1 || rows > 0xFFFF || columns > 0xFFFF || samples < 1 || samples > 4
                || (allocated != 1 && allocated != 8 && allocated != 16 && allocated != 32)
                || stored < 1 || stored > allocated || high < stored - 1 || high >= allocated
                || (representation != 0 && representation != 1) || (planar != 0 && planar != 1)) {
            throw new PixelDecodeException(Problem.BAD_GEOMETRY, "impossible pixel description: " + rows + " rows, "
                    + columns + " columns, " + samples + " samples per pixel, " + allocated + " bits allocated, " + stored
                    + " stored, high bit " + high + ", pixel representation " + representation + ", planar configuration "
                    + planar);
        }
        if (pi.isEmpty()) {
            throw new PixelDecodeException(Problem.BAD_GEOMETRY, "Photometric Interpretation (0028,0004) is missing");
        }
        if (pi.equals("YBR_PARTIAL_422") || pi.equals("YBR_PARTIAL_420")) {
            throw new PixelDecodeException(Problem.CODEC_FAILED, pi + " pixel data is not supported: decoded at full "
                    + "resolution it has no DICOM colour model to report");
        }
        long expected = (long) rows * columns * samples * allocated;
        expected = (expected + 7) / 8 * frames;
        String what = TransferSyntaxSupport.describe(uid) + " pixel data"
                + (a.sopInstanceUid() == null ? "" : " of instance " + a.sopInstanceUid());
        if (expected > settings.maxDecodedBytes()) {
            throw new PixelDecodeException(Problem.TOO_LARGE, "decoded pixel data would be " + expected + " bytes ("
                    + frames + " frame(s) of " + rows + "x" + columns + "x" + samples + " samples at " + allocated
                    + " bits), more than the limit of " + settings.maxDecodedBytes() + " ("
                    + CodecSettings.MAX_DECODED_BYTES.name() + "); not decoded");
        }
        if (px.fragments().isEmpty()) {
            throw new PixelDecodeException(Problem.NO_PIXEL_DATA, "the encapsulated Pixel Data has no fragments");
        }
        List<ByteBuffer> chunks = chunks(px, frames);
        long compressed = chunks.stream().mapToLong(ByteBuffer::remaining).sum();
        if (compressed > settings.maxDecodedBytes()) {
            throw new PixelDecodeException(Problem.TOO_LARGE, "compressed pixel data of " + compressed + " bytes is more "
                    + "than the limit of " + settings.maxDecodedBytes() + " (" + CodecSettings.MAX_DECODED_BYTES.name() + ")");
        }
        Request request = new Request(0, testFault, uid, rows, columns, samples, allocated, stored, high, representation, pi,
                planar, frames, settings.maxDecodedBytes(), chunks);
        Reply reply = pool.decode(request, what);
        if (reply.status() != CodecProtocol.OK) {
            throw new PixelDecodeException(Problem.CODEC_FAILED, "cannot decode " + what + ": " + reply.message());
        }
        return decodedPixels(file, uid, pi, reply.layout(), reply.pixels(), frames, chunks.get(0));
    }

    /** One chunk per frame when the fragments of each frame are known (joined), else the fragments as they are. */
    private static List<ByteBuffer> chunks(EncapsulatedPixelData px, int frames) {
        if (px.framesKnown()) {
            List<ByteBuffer> chunks = new ArrayList<>(frames);
            for (int i = 0; i < frames; i++) {
                chunks.add(px.frame(i));
            }
            return chunks;
        }
        return px.fragments();
    }

    private static DecodedPixels decodedPixels(DicomFile file, String uid, String declared, DecodedLayout layout, byte[] pixels,
                                               int frames, ByteBuffer firstFrame) {
        DicomAttributes a = file.attributes();
        int samples = layout.samplesPerPixel();
        int rows = a.rows();
        int columns = a.columns();
        if (pixels.length % frames != 0) {
            throw new PixelDecodeException(Problem.CODEC_FAILED, "GDCM decoded " + pixels.length + " bytes, which do not "
                    + "split into " + frames + " frames");
        }
        int frameBytes = pixels.length / frames;
        int bits = layout.bitsAllocated();
        if ((bits != 8 && bits != 16 && bits != 32) || samples < 1 || samples > 4
                || (long) rows * columns * samples * bits / 8 != frameBytes) {
            throw new PixelDecodeException(Problem.CODEC_FAILED, "GDCM decoded " + pixels.length + " bytes described as "
                    + samples + " samples of " + bits + " bits, which do not make " + frames + " frame(s) of " + rows + "x"
                    + columns);
        }
        if (GdcmOutput.rleBytesMisplaced(uid, samples, layout.bitsAllocated())) {
            GdcmOutput.reorderRleBytes(pixels, samples, layout.bitsAllocated() / 8);
        }
        String model = GdcmOutput.decodedModel(uid, declared, samples, firstFrame, false);
        PixelFormat base = new PixelFormat(rows, columns, samples, layout.bitsAllocated(), layout.bitsStored(),
                layout.highBit(), layout.pixelRepresentation(), model, 0,
                a.rescaleSlope() == null ? 1.0 : a.rescaleSlope(), a.rescaleIntercept() == null ? 0.0 : a.rescaleIntercept(),
                a.windowCenter(), a.windowWidth(), ByteOrder.LITTLE_ENDIAN);
        boolean planar = samples > 1 && (layout.planarConfiguration() == 1
                || GdcmOutput.jpegLsUninterleaved(uid, samples, firstFrame));
        List<NativeFrame> out = new ArrayList<>(frames);
        for (int i = 0; i < frames; i++) {
            ByteBuffer frame = ByteBuffer.wrap(pixels, i * frameBytes, frameBytes).slice();
            if (planar) {
                frame = ByteBuffer.wrap(SampleLayout.interleavedLittleEndian(frame, rows * columns, samples,
                        layout.bitsAllocated() / 8, true, ByteOrder.LITTLE_ENDIAN));
            }
            out.add(new NativeFrame(i, base, frame));
        }
        return new DecodedPixels(base, out);
    }

    /** A copy of {@code f} describing decoded samples: little endian, with the given colour model and bits. */
    static PixelFormat format(PixelFormat f, String photometric, int planar, int bitsAllocated, int bitsStored, int highBit,
                              int pixelRepresentation, int samples) {
        return new PixelFormat(f.rows(), f.columns(), samples, bitsAllocated, bitsStored, highBit, pixelRepresentation,
                photometric, planar, f.rescaleSlope(), f.rescaleIntercept(), f.windowCenter(), f.windowWidth(),
                ByteOrder.LITTLE_ENDIAN);
    }

    private static int require(Integer value, String name) {
        if (value == null) {
            throw new PixelDecodeException(Problem.BAD_GEOMETRY, "cannot decode the pixel data: " + name + " is missing");
        }
        return value;
    }

    /** Process ids of the running codec processes (tests). */
    List<Long> codecProcessIds() {
        return pool.pids();
    }

    @Override
    public void close() {
        pool.close();
    }
}
