package io.radflow.common.error;

import java.util.Objects;

/**
 * The root of Radflow's exceptions: every failure carries a {@link Reason}, so callers classify
 * errors (retry, DLQ, HTTP status) in one place instead of matching on exception types.
 */
public class RadflowException extends RuntimeException {

    private final Reason reason;

    public RadflowException(Reason reason, String message) {
        this(reason, message, null);
    }

    public RadflowException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    public boolean retriable() {
        return reason.retriable();
    }

    /** The reason of {@code t} or of the first Radflow exception among its causes; INTERNAL otherwise. */
    public static Reason reasonOf(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RadflowException re) {
                return re.reason();
            }
        }
        return Reason.INTERNAL;
    }
}
