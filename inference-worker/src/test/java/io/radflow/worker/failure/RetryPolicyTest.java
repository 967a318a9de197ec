package io.radflow.worker.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.common.error.Reason;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(3));

    @Test
    void shouldBackOffExponentiallyUpToTheCapWithAtMostTenPercentJitter() {
        assertThat(policy.retryAfter(Reason.CONTENT_FETCH_TIMEOUT, 1)).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofMillis(1000), Duration.ofMillis(1100)));
        assertThat(policy.retryAfter(Reason.CONTENT_FETCH_TIMEOUT, 2)).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofMillis(2000), Duration.ofMillis(2200)));
        assertThat(policy.retryAfter(Reason.RUNTIME_CRASHED, 3)).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofMillis(3000), Duration.ofMillis(3300)));
    }

    @Test
    void shouldStopAtTheLastAttempt() {
        assertThat(policy.retryAfter(Reason.CONTENT_FETCH_TIMEOUT, 4)).isEmpty();
    }

    @Test
    void shouldNeverRetryPermanentFailures() {
        assertThat(policy.retryAfter(Reason.INVALID_OUTPUT, 1)).isEmpty();
        assertThat(policy.retryAfter(Reason.UNREADABLE_DICOM, 1)).isEmpty();
        assertThat(policy.retryAfter(Reason.MODEL_ERROR, 1)).isEmpty();
    }
}
