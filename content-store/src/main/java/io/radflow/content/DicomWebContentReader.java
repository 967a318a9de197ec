package io.radflow.content;

import io.radflow.common.error.Reason;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads WADO-RS instance URIs ({@code <dicomweb.url>/studies/<uid>/series/<uid>/instances/<uid>})
 * from a DICOMweb server, with basic authentication when configured. WADO-RS answers
 * {@code multipart/related; type="application/dicom"}; the first part is the instance. Only URIs
 * under the configured base are fetched: events cannot send a worker to arbitrary hosts.
 */
public final class DicomWebContentReader implements ContentReader {

    static final String ACCEPT = "multipart/related; type=\"application/dicom\"";

    private final String prefix;
    private final HttpFetcher fetcher;

    DicomWebContentReader(URI base, HttpFetcher fetcher) {
        this.prefix = OrthancContentReader.withTrailingSlash(base).toString();
        this.fetcher = fetcher;
    }

    /** The WADO-RS URI of an instance under {@code base}. */
    public static URI instanceUri(URI base, String studyUid, String seriesUid, String sopInstanceUid) {
        return OrthancContentReader.withTrailingSlash(base)
                .resolve("studies/" + studyUid + "/series/" + seriesUid + "/instances/" + sopInstanceUid);
    }

    @Override
    public boolean supports(URI uri) {
        // compare the normalized form: /dicom-web/../elsewhere is not under /dicom-web/
        return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.normalize().toString().startsWith(prefix);
    }

    @Override
    public InputStream open(URI uri) {
        return new ByteArrayInputStream(read(uri, Integer.MAX_VALUE - 16));
    }

    @Override
    public byte[] read(URI uri, long maxBytes) {
        if (!supports(uri)) {
            throw new ContentException(Reason.CONTENT_NOT_FOUND, uri + " is not under the DICOMweb base " + prefix);
        }
        HttpFetcher.Response response = fetcher.get(uri, ACCEPT, uri);
        String type = response.contentType();
        // the multipart envelope adds a few hundred bytes around the instance
        byte[] body = response.body().readAll(maxBytes + 4096);
        byte[] content = type.toLowerCase(Locale.ROOT).startsWith("multipart/") ? firstPart(body, type, uri) : body;
        if (content.length > maxBytes) {
            throw new ContentException(Reason.CONTENT_FETCH_FAILED, "content at " + uri + " is larger than the limit of "
                    + maxBytes + " bytes");
        }
        return content;
    }

    /** The body of the first part of a multipart message (RFC 2046). */
    static byte[] firstPart(byte[] body, String contentType, URI uri) {
        String boundary = parameter(contentType, "boundary");
        if (boundary == null) {
            throw malformed(uri, "multipart response without a boundary");
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int start = indexOf(body, delimiter, 0);
        if (start < 0) {
            throw malformed(uri, "multipart response without its boundary");
        }
        int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start + delimiter.length);
        if (headersEnd < 0) {
            throw malformed(uri, "multipart part without a header end");
        }
        int contentStart = headersEnd + 4;
        byte[] closing = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int contentEnd = indexOf(body, closing, contentStart);
        if (contentEnd < 0) {
            throw malformed(uri, "multipart part is not terminated by its boundary (truncated response?)");
        }
        return Arrays.copyOfRange(body, contentStart, contentEnd);
    }

    private static String parameter(String contentType, String name) {
        for (String p : contentType.split(";")) {
            String t = p.trim();
            int eq = t.indexOf('=');
            if (eq > 0 && t.substring(0, eq).trim().equalsIgnoreCase(name)) {
                String v = t.substring(eq + 1).trim();
                return v.startsWith("\"") && v.endsWith("\"") && v.length() >= 2 ? v.substring(1, v.length() - 1) : v;
            }
        }
        return null;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static ContentException malformed(URI uri, String what) {
        return new ContentException(Reason.CONTENT_FETCH_FAILED, "DICOMweb server sent a " + what + " for " + uri);
    }
}
