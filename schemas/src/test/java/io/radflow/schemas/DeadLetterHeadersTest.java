package io.radflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.common.error.Reason;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterHeadersTest {

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static Throwable deep(int depth) {
        return depth == 0 ? new IllegalStateException("bottom") : new RuntimeException(deep(depth - 1));
    }

    @Test
    void shouldWriteSourceReasonAttemptsAndExceptionInOrder() {
        Headers headers = DeadLetterHeaders.builder().source("inference-jobs", 2, 41L)
                .reason(Reason.MALFORMED_EVENT, "bad").attempts(3).exception(new IllegalArgumentException("x")).build();

        assertThat(headers.toArray()).extracting(h -> h.key()).containsExactly(DeadLetterHeaders.SOURCE_TOPIC,
                DeadLetterHeaders.SOURCE_PARTITION, DeadLetterHeaders.SOURCE_OFFSET, DeadLetterHeaders.REASON,
                DeadLetterHeaders.MESSAGE, DeadLetterHeaders.ATTEMPTS, DeadLetterHeaders.EXCEPTION_CLASS,
                DeadLetterHeaders.EXCEPTION_STACKTRACE);
        assertThat(header(headers, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("41");
        assertThat(header(headers, DeadLetterHeaders.EXCEPTION_CLASS)).isEqualTo(IllegalArgumentException.class.getName());
    }

    @Test
    void shouldKeepTheOriginalHeadersAndReplaceEarlierDeadLetterHeaders() {
        Headers original = new RecordHeaders().add("trace-id", "t1".getBytes(StandardCharsets.UTF_8))
                .add(DeadLetterHeaders.REASON, "OLD".getBytes(StandardCharsets.UTF_8));

        Headers headers = DeadLetterHeaders.from(original).reason(Reason.UNKNOWN_PROJECT, "no project").build();

        assertThat(header(headers, "trace-id")).isEqualTo("t1");
        assertThat(headers.headers(DeadLetterHeaders.REASON)).hasSize(1);
        assertThat(header(headers, DeadLetterHeaders.REASON)).isEqualTo("UNKNOWN_PROJECT");
        assertThat(headers.lastHeader(DeadLetterHeaders.SOURCE_TOPIC)).isNull();
        assertThat(original.headers(DeadLetterHeaders.REASON)).hasSize(1);
    }

    @Test
    void shouldCapTheStackTrace() {
        String trace = DeadLetterHeaders.stackTrace(deep(400));

        assertThat(trace).hasSize(DeadLetterHeaders.MAX_STACK_TRACE_CHARS + 4).endsWith("\n...");
    }

    @Test
    void shouldNameTheExceptionWithoutItsStackTraceWhenAsked() {
        Headers headers = DeadLetterHeaders.builder().exception(new IllegalStateException("x"), false).build();

        assertThat(headers.lastHeader(DeadLetterHeaders.EXCEPTION_CLASS)).isNotNull();
        assertThat(headers.lastHeader(DeadLetterHeaders.EXCEPTION_STACKTRACE)).isNull();
    }
}
