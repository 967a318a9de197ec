package io.radflow.pixels;

import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReadException;
import io.radflow.dicom.DicomReadException.Problem;
import io.radflow.dicom.NativeFrame;
import io.radflow.dicom.PixelFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Native (uncompressed) pixel data, in this JVM. The common case (little endian, interleaved,
 * no 4:2:2) returns the reader's frames as they are: views of the input, no copy. Big endian
 * samples, planar configuration 1 and YBR 4:2:2 are copied once into the promised layout.
 */
final class NativePixels {

    private NativePixels() {
    }

    static DecodedPixels decode(DicomFile file, long maxDecodedBytes) {
        PixelFormat f = file.pixelFormat();
        int frames = file.numberOfFrames();
        String pi = f.photometricInterpretation().strip().toUpperCase(Locale.ROOT);
        boolean subsampled = f.samplesPerPixel() == 3 && pi.endsWith("_422");
        long bytes = (f.frameBits() + 7) / 8 * frames;
        long decodedBytes = subsampled ? bytes / 2 * 3 : bytes;
        if (decodedBytes > maxDecodedBytes) {
            throw new PixelDecodeException(PixelDecodeException.Problem.TOO_LARGE, "decoded pixel data would be "
                    + decodedBytes + " bytes (" + frames + " frame(s) of " + f.rows() + "x" + f.columns() + "x"
                    + f.samplesPerPixel() + " samples at " + f.bitsAllocated() + " bits), more than the limit of "
                    + maxDecodedBytes + " (" + CodecSettings.MAX_DECODED_BYTES.name() + ")");
        }
        List<NativeFrame> stored = file.nativeFrames();
        boolean bigEndian = f.byteOrder() == ByteOrder.BIG_ENDIAN && f.bitsAllocated() > 8;
        boolean planar = f.planarConfiguration() == 1 && f.samplesPerPixel() > 1;
        if (!bigEndian && !planar && !subsampled) {
            if (f.byteOrder() == ByteOrder.LITTLE_ENDIAN && f.planarConfiguration() == 0) {
                return new DecodedPixels(f, stored); // the fast path: the reader's views as they are
            }
            PixelFormat relabelled = DefaultPixelDecoder.format(f, pi, 0, f.bitsAllocated(), f.bitsStored(), f.highBit(),
                    f.pixelRepresentation(), f.samplesPerPixel());
            return new DecodedPixels(relabelled, stored.stream()
                    .map(fr -> new NativeFrame(fr.index(), relabelled, fr.data())).toList());
        }
        if (f.bitsAllocated() == 1) {
            throw new DicomReadException(Problem.UNSUPPORTED, "1-bit pixel data with " + f.samplesPerPixel()
                    + " samples per pixel (planar or 4:2:2) is not supported");
        }
        String model = pi;
        if (subsampled) {
            if (!pi.equals("YBR_FULL_422")) {
                throw new DicomReadException(Problem.UNSUPPORTED, "native " + pi + " pixel data is not supported "
                        + "(YBR_FULL_422 is; YBR_PARTIAL_422 is retired)");
            }
            if (planar) {
                throw new DicomReadException(Problem.MALFORMED, "YBR_FULL_422 pixel data must be interleaved "
                        + "(planar configuration 0), not planar");
            }
            if ((long) f.rows() * f.columns() % 2 != 0) {
                throw new DicomReadException(Problem.MALFORMED, "YBR_FULL_422 pixel data needs an even number of "
                        + "pixels; the frame has " + f.rows() + "x" + f.columns());
            }
            model = "YBR_FULL";
        }
        PixelFormat out = DefaultPixelDecoder.format(f, model, 0, f.bitsAllocated(), f.bitsStored(), f.highBit(),
                f.pixelRepresentation(), f.samplesPerPixel());
        int bytesPerSample = f.bitsAllocated() / 8;
        List<NativeFrame> decoded = new ArrayList<>(stored.size());
        for (NativeFrame fr : stored) {
            byte[] b = subsampled
                    ? SampleLayout.expand422(fr.data(), f.rows(), f.columns(), bytesPerSample, f.byteOrder())
                    : SampleLayout.interleavedLittleEndian(fr.data(), f.pixelCount(), f.samplesPerPixel(), bytesPerSample,
                    planar, f.byteOrder());
            decoded.add(new NativeFrame(fr.index(), out, ByteBuffer.wrap(b)));
        }
        return new DecodedPixels(out, decoded);
    }
}
