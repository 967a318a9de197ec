package io.radflow.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.common.error.Reason;
import org.junit.jupiter.api.Test;

class QueuedJobTest {

    private final QueuedJob first = new QueuedJob(null, null, null, 1, 0L);

    @Test
    void shouldRunARetryAloneOnlyAfterAHangOrACrash() {
        assertThat(first.alone()).isFalse();
        assertThat(first.nextAttempt(Reason.MODEL_TIMEOUT).alone()).isTrue();
        assertThat(first.nextAttempt(Reason.RUNTIME_CRASHED).alone()).isTrue();
        // The model was fine; the outage was elsewhere: batch as usual.
        assertThat(first.nextAttempt(Reason.RUNTIME_UNAVAILABLE).alone()).isFalse();
        assertThat(first.nextAttempt(Reason.CONTENT_FETCH_TIMEOUT).alone()).isFalse();
        assertThat(first.nextAttempt(Reason.MODEL_TIMEOUT).nextAttempt(Reason.CONTENT_FETCH_FAILED).attempt()).isEqualTo(3);
    }
}
