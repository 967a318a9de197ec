package io.radflow.common.lifecycle;

import java.util.Map;

/**
 * A long-running part of Radflow (the registry service, the trigger, a worker) that the command
 * line starts and stops. {@link #close()} must be idempotent and release every thread, client and
 * port the service holds.
 */
public interface ManagedService extends AutoCloseable {

    String name();

    void start() throws Exception;

    /** Addresses worth printing once started (REST URL, metrics URL), by label. */
    default Map<String, String> endpoints() {
        return Map.of();
    }

    /** True while the service does its job; backs /health. */
    boolean healthy();

    @Override
    void close();
}
