package io.radflow.viewer;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.config.ConfigDefinition;
import io.radflow.common.config.ConfigKey;
import io.radflow.common.config.ConfigType;
import io.radflow.common.config.Validator;
import io.radflow.content.ContentReaderFactory;
import io.radflow.pixels.CodecSettings;
import io.radflow.registry.RegistryConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The prediction view's configuration keys. It answers to the registry's API keys, so it also
 * reads the registry's bootstrap admin key ({@code registry.admin.api.key}, {@code registry.admin.user}).
 */
public final class ViewerConfig {

    private ViewerConfig() {
    }

    public static final ConfigKey<String> HTTP_HOST = ConfigKey.of("viewer.http.host", ConfigType.STRING, "127.0.0.1",
            Validator.nonBlank(), "Interface the viewer's web page and predictions API listen on (0.0.0.0 in a container).");

    public static final ConfigKey<Integer> HTTP_PORT = ConfigKey.of("viewer.http.port", ConfigType.INT, 0,
            Validator.between(0, 65535),
            "Port of the viewer's web page and predictions API (also /openapi.json, /metrics, /health); 0 picks a free port (printed at start-up).");

    public static final ConfigKey<String> APPLICATION_ID = ConfigKey.of("viewer.application.id", ConfigType.STRING,
            "radflow-viewer", Validator.nonBlank(),
            "Kafka Streams application id of the prediction view. Every instance holds the whole view (global stores), so instances need no coordination.");

    public static final ConfigKey<Path> STATE_DIR = ConfigKey.optional("viewer.state.dir", ConfigType.PATH,
            "Kafka Streams state directory of the prediction view. Unset: a temporary directory removed on exit (the view is rebuilt from the topics at start-up).");

    public static final ConfigKey<Duration> SSE_KEEP_ALIVE = ConfigKey.of("viewer.sse.keep.alive", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(15), Validator.positive(),
            "How often /api/events sends a comment to idle clients, so proxies keep the stream open.");

    public static final ConfigKey<Integer> FRAME_CACHE_SIZE = ConfigKey.of("viewer.frame.cache.size", ConfigType.INT, 64,
            Validator.between(0, 10_000), "Rendered frame PNGs kept in memory (least recently used first out); 0 keeps none.");

    public static final ConfigKey<Long> MAX_INSTANCE_BYTES = ConfigKey.of("viewer.max.instance.bytes", ConfigType.LONG,
            1L << 30, Validator.atLeastLong(1), "Largest DICOM instance the frame endpoint fetches from the content store, in bytes.");

    /** The viewer's own keys, plus the registry's admin key and what content reading and decoding need. */
    public static final ConfigDefinition KEYS = ConfigDefinition.of("viewer", List.of(HTTP_HOST, HTTP_PORT, APPLICATION_ID,
            STATE_DIR, SSE_KEEP_ALIVE, FRAME_CACHE_SIZE, MAX_INSTANCE_BYTES, RegistryConfig.ADMIN_API_KEY, RegistryConfig.ADMIN_USER))
            .and(ContentReaderFactory.DEFINITION).and(CodecSettings.KEYS);

    /** Everything {@code ./radflow viewer} reads. */
    public static final ConfigDefinition DEFINITION = CommonConfig.DEFINITION.and(KEYS);
}
