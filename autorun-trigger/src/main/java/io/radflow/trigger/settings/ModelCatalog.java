package io.radflow.trigger.settings;

import io.radflow.trigger.StoreKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Answers "which models auto-run on this project's data uploaded at time t" from the global settings
 * store. A project's model histories are cached per stream task until the store changes (settings
 * change rarely; uploads come by the thousand), so the hot path reads no store at all.
 */
public final class ModelCatalog {

    private static final StringSerializer KEYS = new StringSerializer();
    private static final int CACHED_PROJECTS = 1024;

    private final ReadOnlyKeyValueStore<String, ModelHistory> store;
    private final SettingsVersion version;
    private final Map<String, List<ModelHistory>> byProject = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<ModelHistory>> eldest) {
            return size() > CACHED_PROJECTS;
        }
    };
    private long cachedVersion = -1;

    public ModelCatalog(ReadOnlyKeyValueStore<String, ModelHistory> store, SettingsVersion version) {
        this.store = store;
        this.version = version;
    }

    public static String key(String projectId, String modelId) {
        return StoreKeys.join(projectId, modelId);
    }

    /** Every model of the project that was eligible at {@code time}, in model id order. */
    public List<EligibleModel> eligibleAt(String projectId, long time) {
        List<EligibleModel> models = new ArrayList<>(2);
        for (ModelHistory history : histories(projectId)) {
            history.at(time).filter(ModelSnapshot::eligible)
                    .ifPresent(s -> models.add(new EligibleModel(history.modelId(), s.active())));
        }
        return models;
    }

    private List<ModelHistory> histories(String projectId) {
        // Read the version before the store: a change landing in between is seen by the next call.
        long current = version.current();
        if (current != cachedVersion) {
            byProject.clear();
            cachedVersion = current;
        }
        List<ModelHistory> histories = byProject.get(projectId);
        if (histories == null) {
            histories = new ArrayList<>();
            try (KeyValueIterator<String, ModelHistory> it = store.prefixScan(StoreKeys.prefix(projectId), KEYS)) {
                while (it.hasNext()) {
                    histories.add(it.next().value);
                }
            }
            histories = List.copyOf(histories);
            byProject.put(projectId, histories);
        }
        return histories;
    }

    /** True when the model existed, had auto-run on and was not archived at {@code time}. */
    public boolean eligibleAt(String projectId, String modelId, long time) {
        for (ModelHistory history : histories(projectId)) {
            if (history.modelId().equals(modelId)) {
                return history.at(time).map(ModelSnapshot::eligible).orElse(false);
            }
        }
        return false;
    }

    public Optional<ModelHistory> history(String projectId, String modelId) {
        return Optional.ofNullable(store.get(key(projectId, modelId)));
    }
}
