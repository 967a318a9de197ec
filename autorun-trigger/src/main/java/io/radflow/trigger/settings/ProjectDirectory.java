package io.radflow.trigger.settings;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Which projects exist, from the global project store. */
public final class ProjectDirectory {

    private final ReadOnlyKeyValueStore<String, String> store;

    public ProjectDirectory(ReadOnlyKeyValueStore<String, String> store) {
        this.store = store;
    }

    public boolean exists(String projectId) {
        return store.get(projectId) != null;
    }
}
