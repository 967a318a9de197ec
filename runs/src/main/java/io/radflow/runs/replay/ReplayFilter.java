package io.radflow.runs.replay;

import java.time.Instant;
import java.util.Optional;

/**
 * Which dead letters a replay looks at.
 *
 * @param reason only those dead-lettered for this reason (a Reason name, any case)
 * @param since  only those dead-lettered at or after this time
 */
public record ReplayFilter(Optional<String> reason, Optional<Instant> since) {

    public static final ReplayFilter ALL = new ReplayFilter(Optional.empty(), Optional.empty());

    boolean matches(DeadLetter d) {
        return reason.map(r -> r.equalsIgnoreCase(d.reason())).orElse(true)
                && since.map(t -> d.failedAt() != null && !d.failedAt().isBefore(t)).orElse(true);
    }
}
