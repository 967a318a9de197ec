package io.radflow.worker.runtime;

import java.time.Duration;

/**
 * A batch's time budget in a model, as a point on {@link System#nanoTime()}'s clock. Every runtime
 * measures against one of these: the ONNX watchdog, the Python runner's watch, the HTTP calls and
 * their retries. Time the model is not to blame for (restarting its crashed process) may be
 * given back with {@link #extend}.
 */
public final class Deadline {

    private volatile long nanos;

    private Deadline(long nanos) {
        this.nanos = nanos;
    }

    /** The deadline {@code budget} from now. */
    public static Deadline after(Duration budget) {
        return new Deadline(System.nanoTime() + budget.toNanos());
    }

    public boolean passed() {
        return remainingNanos() == 0;
    }

    /** Nanoseconds left, never negative. */
    public long remainingNanos() {
        return Math.max(0, nanos - System.nanoTime());
    }

    public Duration remaining() {
        return Duration.ofNanos(remainingNanos());
    }

    /** Moves the deadline later by time not counted against the model. */
    public void extend(long extraNanos) {
        nanos += extraNanos;
    }
}
