package io.radflow.content;

import io.radflow.common.error.Reason;
import java.io.InputStream;
import java.net.URI;
import java.util.List;

/** Routes each URI to the first reader that supports it. */
public final class ContentReaders implements ContentReader {

    private final List<ContentReader> readers;

    public ContentReaders(List<ContentReader> readers) {
        this.readers = List.copyOf(readers);
    }

    @Override
    public boolean supports(URI uri) {
        return readers.stream().anyMatch(r -> r.supports(uri));
    }

    @Override
    public InputStream open(URI uri) {
        return readerFor(uri).open(uri);
    }

    @Override
    public byte[] read(URI uri, long maxBytes) {
        return readerFor(uri).read(uri, maxBytes);
    }

    private ContentReader readerFor(URI uri) {
        return readers.stream().filter(r -> r.supports(uri)).findFirst().orElseThrow(() ->
                new ContentException(Reason.CONTENT_NOT_FOUND, "no content reader for URI scheme '" + uri.getScheme() + "': " + uri));
    }
}
