package io.radflow.trigger.upload;

import io.radflow.common.error.Reason;
import io.radflow.schemas.DeadLetterHeaders;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** The {@code radflow.dlq.*} headers of a dead-lettered upload, added to the headers it came with. */
public final class DeadLetters {

    private DeadLetters() {
    }

    public static Headers headers(Headers original, RecordMetadata source, Reason reason, String message, Throwable error) {
        RecordHeaders headers = new RecordHeaders(original.toArray());
        if (source != null) {
            put(headers, DeadLetterHeaders.SOURCE_TOPIC, source.topic());
            put(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(source.partition()));
            put(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(source.offset()));
        }
        put(headers, DeadLetterHeaders.REASON, reason.name());
        put(headers, DeadLetterHeaders.MESSAGE, message);
        if (error != null) {
            put(headers, DeadLetterHeaders.EXCEPTION_CLASS, error.getClass().getName());
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            put(headers, DeadLetterHeaders.EXCEPTION_STACKTRACE, trace.toString());
        }
        return headers;
    }

    private static void put(RecordHeaders headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
