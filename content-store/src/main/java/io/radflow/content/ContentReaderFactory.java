package io.radflow.content;

import io.radflow.common.config.ConfigDefinition;
import io.radflow.common.config.RadflowConfig;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where content reading is wired from configuration: the file store under
 * {@code content.store.dir}, plus a DICOMweb reader when {@code dicomweb.url} is set and an
 * Orthanc reader when {@code orthanc.url} is set. Every component that fetches content by URI
 * (workers, tools) builds its {@link ContentReaders} here and declares {@link #DEFINITION}.
 */
public final class ContentReaderFactory {

    private ContentReaderFactory() {
    }

    /** The keys {@link #create} reads. */
    public static final ConfigDefinition DEFINITION = StorageConfig.DEFINITION.and(RemoteContentConfig.DEFINITION);

    public static ContentReaders create(RadflowConfig config) {
        List<ContentReader> readers = new ArrayList<>();
        readers.add(new FileContentStore(config.get(StorageConfig.CONTENT_STORE_DIR)));
        HttpClient client = null;
        if (config.get(RemoteContentConfig.DICOMWEB_URL) != null) {
            client = HttpFetcher.client(config.get(RemoteContentConfig.HTTP_CONNECT_TIMEOUT));
            readers.add(new DicomWebContentReader(config.get(RemoteContentConfig.DICOMWEB_URL), new HttpFetcher(client,
                    config.get(RemoteContentConfig.HTTP_TIMEOUT), config.get(RemoteContentConfig.DICOMWEB_BASIC_AUTH),
                    RemoteContentConfig.DICOMWEB_BASIC_AUTH.name())));
        }
        if (config.get(RemoteContentConfig.ORTHANC_URL) != null) {
            readers.add(orthanc(config, client));
        }
        return new ContentReaders(readers);
    }

    /** The Orthanc reader alone (fails when {@code orthanc.url} is unset). */
    public static OrthancContentReader orthanc(RadflowConfig config) {
        return orthanc(config, null);
    }

    private static OrthancContentReader orthanc(RadflowConfig config, HttpClient shared) {
        if (config.get(RemoteContentConfig.ORTHANC_URL) == null) {
            throw new IllegalStateException(RemoteContentConfig.ORTHANC_URL.name() + " is not set");
        }
        HttpClient client = shared != null ? shared : HttpFetcher.client(config.get(RemoteContentConfig.HTTP_CONNECT_TIMEOUT));
        return new OrthancContentReader(config.get(RemoteContentConfig.ORTHANC_URL), new HttpFetcher(client,
                config.get(RemoteContentConfig.HTTP_TIMEOUT), config.get(RemoteContentConfig.ORTHANC_BASIC_AUTH),
                RemoteContentConfig.ORTHANC_BASIC_AUTH.name()));
    }
}
