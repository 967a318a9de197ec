package io.radflow.schemas;

/**
 * Header names every dead-letter record carries, so operators and replay tools read any DLQ the
 * same way (after Kafka Connect's DeadLetterQueueReporter).
 */
public final class DeadLetterHeaders {

    private DeadLetterHeaders() {
    }

    public static final String SOURCE_TOPIC = "radflow.dlq.source.topic";
    public static final String SOURCE_PARTITION = "radflow.dlq.source.partition";
    public static final String SOURCE_OFFSET = "radflow.dlq.source.offset";
    public static final String REASON = "radflow.dlq.reason";
    public static final String MESSAGE = "radflow.dlq.message";
    public static final String EXCEPTION_CLASS = "radflow.dlq.exception.class";
    public static final String EXCEPTION_STACKTRACE = "radflow.dlq.exception.stacktrace";
    public static final String ATTEMPTS = "radflow.dlq.attempts";
}
