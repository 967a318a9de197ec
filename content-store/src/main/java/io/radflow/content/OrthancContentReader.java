package io.radflow.content;

import io.radflow.common.error.Reason;
import java.io.InputStream;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * Reads {@code orthanc:instances/<id>} URIs (as the Orthanc bridge publishes them) from
 * {@code <orthanc.url>/instances/<id>/file}, with basic authentication when configured. The URI
 * names the instance, not the server, so moving Orthanc or rotating its password changes
 * configuration, never events.
 */
public final class OrthancContentReader implements ContentReader {

    public static final String SCHEME = "orthanc";

    // Orthanc's resource ids: five dash-separated groups of 8 hex digits (a SHA-1 of the UIDs)
    private static final Pattern INSTANCE_ID = Pattern.compile("[0-9a-f]{8}(-[0-9a-f]{8}){4}");

    private final URI base;
    private final HttpFetcher fetcher;

    OrthancContentReader(URI base, HttpFetcher fetcher) {
        this.base = withTrailingSlash(base);
        this.fetcher = fetcher;
    }

    /** The content URI of an Orthanc instance. */
    public static URI uriOf(String instanceId) {
        requireId(instanceId);
        return URI.create(SCHEME + ":instances/" + instanceId);
    }

    @Override
    public boolean supports(URI uri) {
        return SCHEME.equals(uri.getScheme());
    }

    @Override
    public InputStream open(URI uri) {
        return fetcher.get(target(uri), "application/dicom", uri).body();
    }

    @Override
    public byte[] read(URI uri, long maxBytes) {
        return fetcher.get(target(uri), "application/dicom", uri).body().readAll(maxBytes);
    }

    private URI target(URI uri) {
        String part = uri.getSchemeSpecificPart();
        if (!supports(uri) || part == null || !part.startsWith("instances/")) {
            throw new ContentException(Reason.CONTENT_NOT_FOUND, "not an Orthanc instance URI (orthanc:instances/<id>): " + uri);
        }
        String id = part.substring("instances/".length());
        requireId(id);
        return base.resolve("instances/" + id + "/file");
    }

    private static void requireId(String id) {
        if (!INSTANCE_ID.matcher(id).matches()) {
            throw new ContentException(Reason.CONTENT_NOT_FOUND, "not an Orthanc instance id: '" + id + "'");
        }
    }

    static URI withTrailingSlash(URI base) {
        String s = base.toString();
        return s.endsWith("/") ? base : URI.create(s + "/");
    }
}
