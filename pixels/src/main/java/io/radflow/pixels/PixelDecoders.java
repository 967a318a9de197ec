package io.radflow.pixels;

/** Where {@link PixelDecoder}s come from. */
public final class PixelDecoders {

    private PixelDecoders() {
    }

    /** Native syntaxes decoded in this JVM, compressed ones by GDCM in isolated codec processes, default limits. */
    public static PixelDecoder create() {
        return create(CodecSettings.defaults());
    }

    public static PixelDecoder create(CodecSettings settings) {
        throw new UnsupportedOperationException("not yet built: the codec helper owns this");
    }
}
