package io.radflow.viewer.api;

import io.radflow.content.ContentReader;
import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReader;
import io.radflow.pixels.DecodedPixels;
import io.radflow.pixels.PixelDecoder;
import io.radflow.pixels.image.ImageFrames;
import io.radflow.pixels.image.Window;
import io.radflow.viewer.ViewerMetrics;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A frame as a PNG: the instance's bytes from wherever its content URI points (content store,
 * DICOMweb, Orthanc), decoded whatever the transfer syntax (pixels module, codec processes for
 * compressed syntaxes), windowed and rendered. Recent PNGs are kept in a small LRU cache, since a
 * viewer scrolling back and forth asks for the same frames again.
 */
final class FrameRenderer {

    private final ContentReader content;
    private final PixelDecoder decoder;
    private final long maxInstanceBytes;
    private final ViewerMetrics metrics;
    private final Map<String, byte[]> cache;

    FrameRenderer(ContentReader content, PixelDecoder decoder, long maxInstanceBytes, int cacheSize, ViewerMetrics metrics) {
        this.content = content;
        this.decoder = decoder;
        this.maxInstanceBytes = maxInstanceBytes;
        this.metrics = metrics;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                return size() > cacheSize;
            }
        };
    }

    /** @param frame zero-based; the caller has checked it against the instance's frame count */
    byte[] png(String contentUri, int frame, Window window) {
        String key = contentUri + "#" + frame + "#" + window;
        synchronized (cache) {
            byte[] cached = cache.get(key);
            if (cached != null) {
                return cached;
            }
        }
        long start = System.nanoTime();
        String outcome = "error";
        try {
            DicomFile dicom = DicomReader.standard().read(content.read(URI.create(contentUri), maxInstanceBytes));
            DecodedPixels pixels = decoder.decode(dicom);
            byte[] png = io.radflow.pixels.render.FrameRenderer.png(ImageFrames.of(dicom, pixels, frame), window);
            synchronized (cache) {
                cache.put(key, png);
            }
            outcome = "rendered";
            return png;
        } finally {
            metrics.frameRendered(outcome, Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
