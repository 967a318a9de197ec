package io.radflow.common.lifecycle;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Blocks a command-line front end until Ctrl-C or SIGTERM, then lets it shut down in order: the
 * signals are handled by {@link ShutdownSignals}, which lets the JVM exit once the front end says
 * {@link #closed()}; a hook covers the other ways out (another signal, {@code System.exit}).
 */
public final class ShutdownLatch {

    private final CountDownLatch latch = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    public ShutdownLatch() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            latch.countDown();
            try {
                // Keep the JVM alive until the front end has closed its services.
                closed.await(ShutdownSignals.CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "radflow-shutdown"));
        ShutdownSignals.register(this);
    }

    public void await() throws InterruptedException {
        latch.await();
    }

    /**
     * Runs {@code action} on a daemon thread once shutdown begins: for a front end blocked in a loop
     * that must be interrupted or woken rather than waiting on this latch itself.
     */
    public void whenTriggered(String threadName, Runnable action) {
        Thread watcher = new Thread(() -> {
            try {
                latch.await();
                action.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, threadName);
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Signals that everything is closed; the JVM may exit. */
    public void closed() {
        closed.countDown();
        ShutdownSignals.unregister(this);
    }

    public void trigger() {
        latch.countDown();
    }

    boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
        return closed.await(timeout, unit);
    }
}
