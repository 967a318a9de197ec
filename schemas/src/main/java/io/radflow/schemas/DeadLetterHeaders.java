package io.radflow.schemas;

import io.radflow.common.error.Reason;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Header names every dead-letter record carries, and the one builder that writes them, so
 * operators and replay tools read any DLQ the same way (after Kafka Connect's
 * DeadLetterQueueReporter). What record a service dead-letters stays that service's policy; the
 * headers are built here.
 */
public final class DeadLetterHeaders {

    public static final String SOURCE_TOPIC = "radflow.dlq.source.topic";
    public static final String SOURCE_PARTITION = "radflow.dlq.source.partition";
    public static final String SOURCE_OFFSET = "radflow.dlq.source.offset";
    public static final String REASON = "radflow.dlq.reason";
    public static final String MESSAGE = "radflow.dlq.message";
    public static final String EXCEPTION_CLASS = "radflow.dlq.exception.class";
    public static final String EXCEPTION_STACKTRACE = "radflow.dlq.exception.stacktrace";
    public static final String ATTEMPTS = "radflow.dlq.attempts";
    /** Every header above starts with this; a replayed record carries none of them. */
    public static final String PREFIX = "radflow.dlq.";
    /** On a record published again from a dead letter: {@code <dead-letter topic>/<partition>/<offset>}. */
    public static final String REPLAY_OF = "radflow.replay.of";

    /** Longest stack trace a dead letter carries; a longer one is cut and ends with {@code ...}. */
    public static final int MAX_STACK_TRACE_CHARS = 8_000;

    private DeadLetterHeaders() {
    }

    /** Starts the headers of a dead letter that carries no headers of its own. */
    public static Builder builder() {
        return new Builder(new RecordHeaders());
    }

    /**
     * Starts the headers of a dead letter that keeps the headers the record came with; a
     * {@code radflow.dlq.*} header among them is replaced, not repeated.
     */
    public static Builder from(Headers original) {
        return new Builder(new RecordHeaders(original.toArray()));
    }

    /** The stack trace of {@code error}, cut at {@link #MAX_STACK_TRACE_CHARS}. */
    public static String stackTrace(Throwable error) {
        StringWriter w = new StringWriter();
        error.printStackTrace(new PrintWriter(w));
        String s = w.toString();
        return s.length() <= MAX_STACK_TRACE_CHARS ? s : s.substring(0, MAX_STACK_TRACE_CHARS) + "\n...";
    }

    /** Collects the facts of one dead letter and writes them as headers in a fixed order. */
    public static final class Builder {

        private final RecordHeaders headers;
        private String topic;
        private int partition;
        private long offset;
        private Reason reason;
        private String message;
        private Integer attempts;
        private String exceptionClass;
        private String stackTrace;

        private Builder(RecordHeaders headers) {
            this.headers = headers;
        }

        /** Where the failed record was consumed from; left out when unknown. */
        public Builder source(String topic, int partition, long offset) {
            this.topic = topic;
            this.partition = partition;
            this.offset = offset;
            return this;
        }

        public Builder reason(Reason reason, String message) {
            this.reason = reason;
            this.message = message;
            return this;
        }

        public Builder attempts(int attempts) {
            this.attempts = attempts;
            return this;
        }

        /** The exception's class and its stack trace (capped); nothing when {@code error} is null. */
        public Builder exception(Throwable error) {
            return exception(error, true);
        }

        /**
         * @param withStackTrace false to name the exception's class only, for a dead letter that
         *                       would be too large with its stack trace
         */
        public Builder exception(Throwable error, boolean withStackTrace) {
            this.exceptionClass = error == null ? null : error.getClass().getName();
            this.stackTrace = error == null || !withStackTrace ? null : stackTrace(error);
            return this;
        }

        public Headers build() {
            if (topic != null) {
                put(SOURCE_TOPIC, topic);
                put(SOURCE_PARTITION, Integer.toString(partition));
                put(SOURCE_OFFSET, Long.toString(offset));
            }
            if (reason != null) {
                put(REASON, reason.name());
            }
            if (message != null) {
                put(MESSAGE, message);
            }
            if (attempts != null) {
                put(ATTEMPTS, Integer.toString(attempts));
            }
            if (exceptionClass != null) {
                put(EXCEPTION_CLASS, exceptionClass);
            }
            if (stackTrace != null) {
                put(EXCEPTION_STACKTRACE, stackTrace);
            }
            return headers;
        }

        private void put(String name, String value) {
            headers.remove(name);
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
