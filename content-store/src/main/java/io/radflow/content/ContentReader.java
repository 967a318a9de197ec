package io.radflow.content;

import io.radflow.common.error.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

/**
 * Fetches content named by a URI (the claim check carried by events). Implementations exist per
 * URI scheme: files, DICOMweb/WADO-RS, Orthanc's REST API.
 */
public interface ContentReader {

    /** True when this reader handles the URI's scheme (and, for HTTP, its host). */
    boolean supports(URI uri);

    /** Opens the content; the caller closes the stream. */
    InputStream open(URI uri);

    /** Reads the whole content, refusing more than {@code maxBytes}. */
    default byte[] read(URI uri, long maxBytes) {
        try (InputStream in = open(uri)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new ContentException(Reason.CONTENT_FETCH_FAILED,
                        "content at " + uri + " is larger than the limit of " + maxBytes + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new ContentException(Reason.CONTENT_FETCH_FAILED, "cannot read content at " + uri + ": " + e.getMessage(), e);
        }
    }
}
