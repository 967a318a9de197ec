package io.radflow.content;

import io.radflow.common.config.ConfigDefinition;
import io.radflow.common.config.ConfigKey;
import io.radflow.common.config.ConfigType;
import io.radflow.common.config.Validator;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Where content that is not in the file store is fetched: a DICOMweb (WADO-RS) server and an
 * Orthanc server, each with optional basic authentication. Events carry URIs only; credentials
 * live here, with the readers, never in events. The Orthanc bridge reads the same Orthanc keys.
 */
public final class RemoteContentConfig {

    private RemoteContentConfig() {
    }

    public static final ConfigKey<URI> DICOMWEB_URL = new ConfigKey<>("dicomweb.url", ConfigType.URI_TYPE, null, true,
            Validator.httpUrl(), "Base URL of a DICOMweb server (e.g. http://pacs:8042/dicom-web); http(s) content URIs under it "
            + "are fetched with WADO-RS. Unset: no DICOMweb reader (other http URLs are refused).");

    private static final Validator<String> USER_PASSWORD = v -> v.indexOf(':') > 0 ? null : "must be user:password";

    public static final ConfigKey<String> DICOMWEB_BASIC_AUTH = new ConfigKey<>("dicomweb.basic.auth", ConfigType.STRING, null, true,
            USER_PASSWORD, "user:password sent as HTTP basic authentication to the DICOMweb server.");

    public static final ConfigKey<URI> ORTHANC_URL = new ConfigKey<>("orthanc.url", ConfigType.URI_TYPE, null, true,
            Validator.httpUrl(), "Base URL of the Orthanc REST API (e.g. http://orthanc:8042): orthanc: content URIs are fetched "
            + "from it, and the Orthanc bridge follows its /changes feed. Command line: orthanc-bridge --url.");

    public static final ConfigKey<String> ORTHANC_BASIC_AUTH = new ConfigKey<>("orthanc.basic.auth", ConfigType.STRING, null, true,
            USER_PASSWORD, "user:password sent as HTTP basic authentication to Orthanc (its RegisteredUsers).");

    public static final ConfigKey<Duration> HTTP_TIMEOUT = ConfigKey.of("content.http.timeout", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(60), Validator.positive(),
            "Deadline of one HTTP content fetch (DICOMweb, Orthanc), body included; past it the fetch fails as retriable CONTENT_FETCH_TIMEOUT.");

    public static final ConfigKey<Duration> HTTP_CONNECT_TIMEOUT = ConfigKey.of("content.http.connect.timeout",
            ConfigType.DURATION_TYPE, Duration.ofSeconds(10), Validator.positive(), "Timeout of opening an HTTP connection to a content server.");

    public static final ConfigDefinition DEFINITION = ConfigDefinition.of("remote-content",
            List.of(DICOMWEB_URL, DICOMWEB_BASIC_AUTH, ORTHANC_URL, ORTHANC_BASIC_AUTH, HTTP_TIMEOUT, HTTP_CONNECT_TIMEOUT));
}
