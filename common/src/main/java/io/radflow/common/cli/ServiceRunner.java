package io.radflow.common.cli;

import io.radflow.common.lifecycle.ManagedService;
import io.radflow.common.lifecycle.ShutdownLatch;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every {@code ./radflow <service>} front end does: start one service, say where it can be
 * reached, run until Ctrl-C or SIGTERM, then close it before the JVM exits.
 */
public final class ServiceRunner {

    private ServiceRunner() {
    }

    /**
     * @param headline        first line once the service is up, e.g. "Auto-run trigger is running."
     * @param extraEndpoints  addresses the command opened beside the service (a metrics port), printed after its own
     * @return the exit code, 0
     */
    public static int runUntilStopped(ManagedService service, PrintWriter out, String headline, Map<String, String> extraEndpoints)
            throws Exception {
        return runUntilStopped(service, out, headline, extraEndpoints, new ShutdownLatch());
    }

    public static int runUntilStopped(ManagedService service, PrintWriter out, String headline) throws Exception {
        return runUntilStopped(service, out, headline, Map.of());
    }

    /** With the latch given, so a test can stand in for Ctrl-C. */
    static int runUntilStopped(ManagedService service, PrintWriter out, String headline, Map<String, String> extraEndpoints,
                               ShutdownLatch shutdown) throws Exception {
        try (service) {
            service.start();
            out.println(headline);
            Map<String, String> endpoints = new LinkedHashMap<>(service.endpoints());
            endpoints.putAll(extraEndpoints);
            endpoints.forEach((label, value) -> out.printf("  %-10s %s%n", label + ":", value));
            out.println("Press Ctrl-C to stop.");
            out.flush();
            shutdown.await();
            out.println("Stopping...");
            out.flush();
        } finally {
            shutdown.closed();
        }
        return 0;
    }
}
