package io.radflow.registry.view;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Wakes up requests that wait for the materialized view to show their write (read-your-writes).
 * The view's store updaters call {@link #changed()} after every applied record; waiters re-check
 * their condition then, and at least every 100 ms as a safety net.
 */
public final class ViewUpdates {

    private final Object lock = new Object();

    public void changed() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** @return true once {@code condition} holds, false if it still does not after {@code timeout} */
    public boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!condition.getAsBoolean()) {
                long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMs <= 0) {
                    return false;
                }
                lock.wait(Math.min(remainingMs, 100));
            }
            return true;
        }
    }
}
