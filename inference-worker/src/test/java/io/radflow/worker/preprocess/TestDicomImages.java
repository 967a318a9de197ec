package io.radflow.worker.preprocess;

import io.radflow.pixels.PixelDecoder;
import io.radflow.pixels.PixelDecoders;

/** One {@link DicomImages} for the tests of a JVM; its codec processes end with the JVM. */
public final class TestDicomImages {

    private static final PixelDecoder DECODER = PixelDecoders.create();
    private static final DicomImages SHARED = new PixelDataImages(DECODER);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(DECODER::close, "test-pixel-decoder-close"));
    }

    private TestDicomImages() {
    }

    public static DicomImages shared() {
        return SHARED;
    }
}
