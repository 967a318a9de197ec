package io.radflow.trigger.settings;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts changes to the global model store. The global thread bumps it after each change; stream
 * threads compare it to decide whether what they cached from the store is still current, instead
 * of scanning the store for every upload.
 */
public final class SettingsVersion {

    private final AtomicLong version = new AtomicLong();

    public long current() {
        return version.get();
    }

    /** Call after the store was changed. */
    public void changed() {
        version.incrementAndGet();
    }
}
