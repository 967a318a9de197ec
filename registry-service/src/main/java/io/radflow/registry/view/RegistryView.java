package io.radflow.registry.view;

import io.radflow.common.error.Reason;
import io.radflow.registry.RegistryException;
import io.radflow.schemas.avro.ApiKey;
import io.radflow.schemas.avro.CloneCode;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.ModelRun;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ProjectSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads of the materialized view (the global stores of {@link ViewStores}) and the waits that give
 * writers read-your-writes: a write returns once this instance's view shows it.
 */
public final class RegistryView {

    /** Where the stores come from: a running KafkaStreams, or a TopologyTestDriver in tests. */
    @FunctionalInterface
    public interface StoreProvider {
        ReadOnlyKeyValueStore<String, Object> store(String name);
    }

    private final StoreProvider provider;
    private final ViewUpdates updates;
    private final Map<String, ReadOnlyKeyValueStore<String, Object>> stores = new ConcurrentHashMap<>();

    public RegistryView(StoreProvider provider, ViewUpdates updates) {
        this.provider = provider;
        this.updates = updates;
    }

    public static StoreProvider storesOf(KafkaStreams streams) {
        return name -> streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
    }

    public Optional<ModelSettings> model(String modelId) {
        return get(ViewStores.MODELS, modelId);
    }

    /** Every model, archived ones included. */
    public List<ModelSettings> models() {
        return all(ViewStores.MODELS);
    }

    public Optional<ModelSettings> model(String projectId, String name) {
        return models().stream().filter(m -> m.getProjectId().equals(projectId) && m.getName().equals(name)).findFirst();
    }

    public Optional<ProjectSettings> project(String projectId) {
        return get(ViewStores.PROJECTS, projectId);
    }

    public List<ProjectSettings> projects() {
        return all(ViewStores.PROJECTS);
    }

    public Optional<ApiKey> apiKey(String keyId) {
        return get(ViewStores.API_KEYS, keyId);
    }

    public List<ApiKey> apiKeys() {
        return all(ViewStores.API_KEYS);
    }

    public Optional<CloneCode> cloneCode(String codeSha256) {
        return get(ViewStores.CLONE_CODES, codeSha256);
    }

    public List<CloneCode> cloneCodes() {
        return all(ViewStores.CLONE_CODES);
    }

    public Optional<ModelRun> run(String runId) {
        return get(ViewStores.RUNS, runId);
    }

    public List<ModelRun> runs() {
        return all(ViewStores.RUNS);
    }

    /** The instances the dataset index holds for this project (keys {@code <project>/...}), in key order. */
    @SuppressWarnings("unchecked")
    public List<DatasetUploadEvent> indexedInstances(String projectId) {
        List<DatasetUploadEvent> out = new ArrayList<>();
        try (KeyValueIterator<String, Object> it = store(ViewStores.DATASET_INDEX).prefixScan(projectId + "/", new StringSerializer())) {
            it.forEachRemaining(kv -> out.add((DatasetUploadEvent) kv.value));
        }
        return out;
    }

    public void awaitRun(String runId, Predicate<ModelRun> condition, Duration timeout) {
        await("run " + runId, () -> run(runId).filter(condition).isPresent(), timeout);
    }

    /** Waits until the view shows the model at {@code revision} or later; revision 0 waits for it to be gone. */
    public void awaitModel(String modelId, long revision, Duration timeout) {
        await("model " + modelId + " at revision " + revision, () -> atRevision(model(modelId).map(ModelSettings::getRevision), revision), timeout);
    }

    public void awaitProject(String projectId, long revision, Duration timeout) {
        await("project " + projectId + " at revision " + revision,
                () -> atRevision(project(projectId).map(ProjectSettings::getRevision), revision), timeout);
    }

    public void awaitApiKey(String keyId, Predicate<ApiKey> condition, Duration timeout) {
        await("API key " + keyId, () -> apiKey(keyId).filter(condition).isPresent(), timeout);
    }

    public void awaitCloneCode(String codeSha256, Predicate<Optional<CloneCode>> condition, Duration timeout) {
        await("clone code", () -> condition.test(cloneCode(codeSha256)), timeout);
    }

    private static boolean atRevision(Optional<Long> current, long revision) {
        return revision == 0 ? current.isEmpty() : current.filter(r -> r >= revision).isPresent();
    }

    private void await(String what, BooleanSupplier condition, Duration timeout) {
        try {
            if (!updates.await(condition, timeout)) {
                throw new RegistryException(Reason.WRITE_NOT_CONFIRMED, "the write was accepted but this instance's view did not show "
                        + what + " within " + timeout.toMillis() + " ms; it will appear shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(Reason.WRITE_NOT_CONFIRMED, "interrupted while waiting for " + what, e);
        }
    }

    @SuppressWarnings("unchecked")
    private <V> Optional<V> get(ViewStores.View<V> view, String key) {
        if (key == null) {
            return Optional.empty();
        }
        return Optional.ofNullable((V) store(view).get(key));
    }

    @SuppressWarnings("unchecked")
    private <V> List<V> all(ViewStores.View<V> view) {
        List<V> out = new ArrayList<>();
        try (KeyValueIterator<String, Object> it = store(view).all()) {
            it.forEachRemaining(kv -> out.add((V) kv.value));
        }
        return out;
    }

    private ReadOnlyKeyValueStore<String, Object> store(ViewStores.View<?> view) {
        return stores.computeIfAbsent(view.storeName(), provider::store);
    }

    /** Number of models in the view, for the metrics gauge. */
    public long modelCount() {
        return store(ViewStores.MODELS).approximateNumEntries();
    }
}
