package io.radflow.exporter.destination;

import io.radflow.content.ContentStore;
import io.radflow.content.StoredContent;
import io.radflow.exporter.ExportObject;
import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The exporter's content store alone: objects are kept by their SHA-256 and their URIs go into results-exported. */
public final class ContentStoreDestination implements Destination {

    private final ContentStore store;

    public ContentStoreDestination(ContentStore store) {
        this.store = store;
    }

    @Override
    public Map<String, String> store(List<ExportObject> objects) {
        Map<String, String> uris = new LinkedHashMap<>();
        for (ExportObject o : objects) {
            StoredContent stored = store.put(new ByteArrayInputStream(o.bytes()));
            uris.put(o.sopInstanceUid(), stored.uri().toString());
        }
        return uris;
    }

    @Override
    public String describe() {
        return "CONTENT_STORE";
    }
}
