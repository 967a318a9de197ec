package io.radflow.content;

import java.net.URI;

/** Where stored content can be fetched again, and how to check it. */
public record StoredContent(URI uri, String sha256, long sizeBytes) {
}
