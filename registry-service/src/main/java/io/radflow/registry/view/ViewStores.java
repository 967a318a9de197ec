package io.radflow.registry.view;

import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The materialized view: one global store per compacted topic (in memory, the dataset index on
 * disk), so every instance holds the full table and answers every read locally (see DESIGN.md).
 * Global stores have no changelog; each start re-reads the topics.
 */
public final class ViewStores {

    private ViewStores() {
    }

    /**
     * A topic of the view and the store it materializes into.
     *
     * @param persistent in RocksDB rather than in memory: for topics too large to hold in the heap
     */
    public record View<V>(Topic<String, V> topic, String storeName, boolean persistent) {

        View(Topic<String, V> topic, String storeName) {
            this(topic, storeName, false);
        }
    }

    public static final View<io.radflow.schemas.avro.ModelSettings> MODELS = new View<>(TopicCatalog.MODEL_SETTINGS, "view-models");
    public static final View<io.radflow.schemas.avro.ProjectSettings> PROJECTS = new View<>(TopicCatalog.PROJECT_SETTINGS, "view-projects");
    public static final View<io.radflow.schemas.avro.ApiKey> API_KEYS = new View<>(TopicCatalog.REGISTRY_API_KEYS, "view-api-keys");
    public static final View<io.radflow.schemas.avro.CloneCode> CLONE_CODES = new View<>(TopicCatalog.REGISTRY_CLONE_CODES, "view-clone-codes");

    public static final View<io.radflow.schemas.avro.ModelRun> RUNS = new View<>(TopicCatalog.MODEL_RUNS, "view-model-runs");
    /** Every instance of every project: on disk, read by prefix ({@code <project>/}) when a run is planned. */
    public static final View<io.radflow.schemas.avro.DatasetUploadEvent> DATASET_INDEX = new View<>(TopicCatalog.DATASET_INDEX,
            "view-dataset-index", true);

    public static final List<View<?>> ALL = List.of(MODELS, PROJECTS, API_KEYS, CLONE_CODES, RUNS, DATASET_INDEX);

    public static <V> StoreBuilder<KeyValueStore<String, V>> globalStore(View<V> view, TopicSerdes serdes) {
        return Stores.keyValueStoreBuilder(view.persistent() ? Stores.persistentKeyValueStore(view.storeName())
                        : Stores.inMemoryKeyValueStore(view.storeName()), Serdes.String(),
                pinned(serdes.valueSerde(view.topic()), view.topic())).withLoggingDisabled();
    }

    /**
     * A serde that always (de)serializes as the values of {@code topic}, whatever topic name Kafka
     * Streams passes (it passes changelog names). Store contents then use the catalog subject's
     * schemas: no extra schema registry subjects, and it works with auto-registration off.
     */
    public static <V> Serde<V> pinned(Serde<V> inner, Topic<?, V> topic) {
        Serializer<V> serializer = (ignored, value) -> inner.serializer().serialize(topic.name(), value);
        Deserializer<V> deserializer = (ignored, bytes) -> inner.deserializer().deserialize(topic.name(), bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
