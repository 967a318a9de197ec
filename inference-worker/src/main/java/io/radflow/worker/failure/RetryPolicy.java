package io.radflow.worker.failure;

import io.radflow.common.error.Reason;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which failures are tried again and when: retriable reasons (fetch timeouts, runtime restarts)
 * up to {@code maxAttempts} attempts in all, with exponential backoff from {@code initialBackoff}
 * capped at {@code maxBackoff}, plus up to 10% jitter so retries of a batch spread out. Everything
 * else, and a retriable failure on the last attempt, goes to the dead-letter topic.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    /** The delay before the next attempt, or empty when attempt {@code attempt} (1-based) was the last. */
    public Optional<Duration> retryAfter(Reason reason, int attempt) {
        if (!reason.retriable() || attempt >= maxAttempts) {
            return Optional.empty();
        }
        long base = initialBackoff.toMillis() << Math.min(attempt - 1, 30);
        long capped = Math.min(Math.max(base, 0), maxBackoff.toMillis());
        long jitter = capped / 10 == 0 ? 0 : ThreadLocalRandom.current().nextLong(capped / 10 + 1);
        return Optional.of(Duration.ofMillis(capped + jitter));
    }
}
