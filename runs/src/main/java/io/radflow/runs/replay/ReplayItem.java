package io.radflow.runs.replay;

import java.time.Instant;

/** What replay did, or would do, with one dead letter. */
public record ReplayItem(String coordinates, String key, String reason, Instant failedAt, Decision decision, String detail) {

    public enum Decision {
        /** Published again to the topic it was first consumed from. */
        REPLAYED,
        /** Would be published again (a dry run). */
        WOULD_REPLAY,
        /** Its job succeeded since: running it again would duplicate its predictions. */
        SUCCEEDED_SINCE,
        /** Its job is queued or running (replayed before, or by another path). */
        PENDING,
        /** This dead letter was replayed before; if that failed again, the new failure is a dead letter of its own. */
        ALREADY_REPLAYED,
        /** A later dead letter of the same job stands for it. */
        SUPERSEDED,
        /** It holds nothing that can be published again (an undecodable record, no source topic). */
        NOT_REPLAYABLE
    }

    static ReplayItem of(DeadLetter d, Decision decision, String detail) {
        return new ReplayItem(d.coordinates(), d.key(), d.reason(), d.failedAt(), decision, detail);
    }
}
