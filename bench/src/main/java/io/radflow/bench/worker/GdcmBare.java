package io.radflow.bench.worker;

import io.radflow.pixels.CodecSettings;
import java.nio.file.Path;

/**
 * GDCM called directly in this JVM, for the benchmark only: it makes the JPEG 2000 input from
 * the benchmark's own file (so the rows compare the same pixels) and measures the codec's bare
 * decode rate, the ceiling of any pipeline that decodes JPEG 2000 with it. The worker itself
 * never loads GDCM in its own JVM (see pixels/DESIGN.md): it decodes in codec processes.
 */
final class GdcmBare {

    private static boolean loaded;

    private GdcmBare() {
    }

    private static synchronized void load() {
        if (!loaded) {
            System.load(CodecSettings.defaults().jniLibrary().toString());
            loaded = true;
        }
    }

    /** Writes {@code source} re-encoded as JPEG 2000 lossless (1.2.840.10008.1.2.4.90) to {@code target}. */
    static Path toJpeg2000Lossless(Path source, Path target) {
        load();
        gdcm.ImageReader reader = new gdcm.ImageReader();
        reader.SetFileName(source.toString());
        if (!reader.Read()) {
            throw new IllegalStateException("GDCM cannot read " + source);
        }
        gdcm.ImageChangeTransferSyntax change = new gdcm.ImageChangeTransferSyntax();
        change.SetTransferSyntax(new gdcm.TransferSyntax(gdcm.TransferSyntax.TSType.JPEG2000Lossless));
        change.SetInput(reader.GetImage());
        if (!change.Change()) {
            throw new IllegalStateException("GDCM cannot encode " + source + " as JPEG 2000");
        }
        gdcm.ImageWriter writer = new gdcm.ImageWriter();
        writer.SetFile(reader.GetFile());
        writer.SetImage(change.GetOutput());
        writer.SetFileName(target.toString());
        if (!writer.Write()) {
            throw new IllegalStateException("GDCM cannot write " + target);
        }
        return target;
    }

    /** Decodes the file {@code count} times (read, decompress, copy out the buffer); instances per second. */
    static double decodesPerSecond(Path file, int count) {
        load();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            gdcm.ImageReader reader = new gdcm.ImageReader();
            reader.SetFileName(file.toString());
            if (!reader.Read()) {
                throw new IllegalStateException("GDCM cannot read " + file);
            }
            gdcm.Image image = reader.GetImage();
            byte[] buffer = new byte[(int) image.GetBufferLength()];
            if (!image.GetBuffer(buffer)) {
                throw new IllegalStateException("GDCM cannot decode " + file);
            }
            reader.delete();
        }
        return count / ((System.nanoTime() - t0) / 1e9);
    }
}
