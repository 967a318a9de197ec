package io.radflow.common.lifecycle;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM, handled in Java once a front end waits on a {@link ShutdownLatch}:
 * its services are closed first and the JVM's exit starts only after that, with 128 + the signal's
 * number as its status, as the JVM's own handling gives. A second signal during that close stops
 * the JVM at once.
 *
 * <p>Why not shutdown hooks alone: the JVM runs all hooks at the same time, and libraries register
 * their own. ONNX Runtime's releases its native environment as soon as the exit starts
 * ({@code OrtEnvironment$OrtEnvCloser}), under a worker that is still loading or running a model,
 * and the process aborts (onnxruntime issue 31352; nothing in its Java API can order or disable
 * that hook). Closing the services before the exit starts leaves no model in use when it runs.
 */
public final class ShutdownSignals {

    private static final Logger log = LoggerFactory.getLogger(ShutdownSignals.class);
    private static final List<String> HANDLED = List.of("INT", "TERM");
    /** As long as a {@link ShutdownLatch}'s hook keeps the JVM alive for its front end to close. */
    static final long CLOSE_TIMEOUT_MS = 30_000;

    private static final List<ShutdownLatch> LATCHES = new CopyOnWriteArrayList<>();
    private static boolean installed;
    private static volatile int received;

    private ShutdownSignals() {
    }

    /** Routes the signals to {@code latch} (installing the handlers on first use). */
    static synchronized void register(ShutdownLatch latch) {
        LATCHES.add(latch);
        if (installed) {
            return;
        }
        installed = true;
        for (String name : HANDLED) {
            try {
                Signal.handle(new Signal(name), ShutdownSignals::handle);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // -Xrs, or a platform without the signal: the latch's shutdown hook still stops in order, as best it can.
                log.debug("cannot handle signal={}, the JVM's default handling stays error={}", name, e.toString());
            }
        }
    }

    static void unregister(ShutdownLatch latch) {
        LATCHES.remove(latch);
    }

    /**
     * The exit status a front end should end with: 128 + the signal's number once a signal stopped it,
     * else {@code code}.
     */
    public static int exitStatus(int code) {
        int signal = received;
        return signal == 0 ? code : 128 + signal;
    }

    private static void handle(Signal signal) {
        int status = 128 + signal.getNumber();
        synchronized (ShutdownSignals.class) {
            if (received != 0) {
                Runtime.getRuntime().halt(status); // asked twice: stop now
            }
            received = signal.getNumber();
        }
        log.debug("signal received signal={}, closing services before exit", signal.getName());
        LATCHES.forEach(ShutdownLatch::trigger);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_TIMEOUT_MS);
        try {
            for (ShutdownLatch latch : LATCHES) {
                latch.awaitClosed(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(status);
    }
}
