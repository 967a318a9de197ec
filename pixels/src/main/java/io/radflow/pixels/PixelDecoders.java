package io.radflow.pixels;

/**
 * Where {@link PixelDecoder}s come from. A decoder reads native transfer syntaxes in the caller's
 * JVM (the reader's frames, no copy in the common case) and sends compressed ones to GDCM in up
 * to {@link CodecSettings#processes()} child JVMs, started when first needed and stopped by
 * {@link PixelDecoder#close()}. See pixels/DESIGN.md.
 *
 * <pre>{@code
 * try (PixelDecoder decoder = PixelDecoders.create()) {
 *     DecodedPixels pixels = decoder.decode(DicomReader.standard().read(path));
 * }
 * }</pre>
 */
public final class PixelDecoders {

    private PixelDecoders() {
    }

    /** Native syntaxes decoded in this JVM, compressed ones by GDCM in isolated codec processes, default limits. */
    public static PixelDecoder create() {
        return create(CodecSettings.defaults());
    }

    public static PixelDecoder create(CodecSettings settings) {
        return new DefaultPixelDecoder(settings);
    }
}
