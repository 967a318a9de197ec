package io.radflow.trigger.settings;

import io.radflow.trigger.StoreKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Answers "which models auto-run on this project's data uploaded at time t" from the global settings store. */
public final class ModelCatalog {

    private static final StringSerializer KEYS = new StringSerializer();

    private final ReadOnlyKeyValueStore<String, ModelHistory> store;

    public ModelCatalog(ReadOnlyKeyValueStore<String, ModelHistory> store) {
        this.store = store;
    }

    public static String key(String projectId, String modelId) {
        return StoreKeys.join(projectId, modelId);
    }

    /** Every model of the project that was eligible at {@code time}, in model id order. */
    public List<EligibleModel> eligibleAt(String projectId, long time) {
        List<EligibleModel> models = new ArrayList<>(2);
        try (KeyValueIterator<String, ModelHistory> it = store.prefixScan(StoreKeys.prefix(projectId), KEYS)) {
            while (it.hasNext()) {
                ModelHistory history = it.next().value;
                history.at(time).filter(ModelSnapshot::eligible)
                        .ifPresent(s -> models.add(new EligibleModel(history.modelId(), s.active())));
            }
        }
        return models;
    }

    /** True when the model existed, had auto-run on and was not archived at {@code time}. */
    public boolean eligibleAt(String projectId, String modelId, long time) {
        ModelHistory history = store.get(key(projectId, modelId));
        return history != null && history.at(time).map(ModelSnapshot::eligible).orElse(false);
    }

    public Optional<ModelHistory> history(String projectId, String modelId) {
        return Optional.ofNullable(store.get(key(projectId, modelId)));
    }
}
