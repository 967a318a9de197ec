package io.radflow.common.kafka;

import java.util.Map;

/**
 * How every Radflow Kafka Streams application handles processing errors in its global stores: through
 * the same processing exception handler as its tasks (Kafka 5's default). Plain keys, because this
 * module does not depend on Kafka Streams; they are StreamsConfig's
 * {@code PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG}, and the same under its main consumer prefix.
 */
public final class StreamsExceptionHandling {

    private static final String GLOBAL_HANDLER_ENABLED = "processing.exception.handler.global.enabled";
    private static final String MAIN_CONSUMER_PREFIX = "main.consumer.";

    private StreamsExceptionHandling() {
    }

    /**
     * The setting, once for Kafka Streams and once for its main consumer: Streams' partition assignor
     * builds a StreamsConfig of its own from the main consumer's settings, which otherwise lack it, and
     * that copy warns at every start that the handler is off for the global thread.
     */
    public static Map<String, Object> globalHandlerEnabled() {
        return Map.of(GLOBAL_HANDLER_ENABLED, true, MAIN_CONSUMER_PREFIX + GLOBAL_HANDLER_ENABLED, true);
    }
}
