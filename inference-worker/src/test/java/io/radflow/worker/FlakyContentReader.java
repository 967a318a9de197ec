package io.radflow.worker;

import io.radflow.common.error.Reason;
import io.radflow.content.ContentException;
import io.radflow.content.ContentReader;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The content store as a worker sees it over a bad network: for URIs a test marks, the first
 * reads time out (CONTENT_FETCH_TIMEOUT, retriable), then they succeed; {@code -1} failures means
 * they never do. Everything else goes straight to the real store.
 */
final class FlakyContentReader implements ContentReader {

    private final ContentReader store;
    private final Map<URI, Integer> failuresLeft = new ConcurrentHashMap<>();
    private final Map<URI, AtomicInteger> reads = new ConcurrentHashMap<>();

    FlakyContentReader(ContentReader store) {
        this.store = store;
    }

    void failFirst(String uri, int failures) {
        failuresLeft.put(URI.create(uri), failures);
    }

    int reads(String uri) {
        return reads.getOrDefault(URI.create(uri), new AtomicInteger()).get();
    }

    @Override
    public boolean supports(URI uri) {
        return store.supports(uri);
    }

    @Override
    public InputStream open(URI uri) {
        reads.computeIfAbsent(uri, u -> new AtomicInteger()).incrementAndGet();
        Integer left = failuresLeft.get(uri);
        if (left != null && left != 0) {
            failuresLeft.put(uri, left - 1);
            throw new ContentException(Reason.CONTENT_FETCH_TIMEOUT, "timed out fetching " + uri + " (simulated)");
        }
        return store.open(uri);
    }
}
