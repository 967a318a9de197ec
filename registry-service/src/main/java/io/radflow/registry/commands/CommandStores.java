package io.radflow.registry.commands;

import io.radflow.registry.view.ViewStores;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.TopicCatalog;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** Names of the command processor's stores and sinks, and how the stores are built. */
public final class CommandStores {

    private CommandStores() {
    }

    /** model id -> latest ModelSettings this task wrote. */
    public static final String MODELS = "commands-models";
    /** project id + "/" + model name -> model id: unique names per project. */
    public static final String MODEL_NAMES = "commands-model-names";
    /** project id -> latest ProjectSettings this task wrote. */
    public static final String PROJECTS = "commands-projects";

    public static final String MODEL_SETTINGS_SINK = "model-settings-sink";
    public static final String PROJECT_SETTINGS_SINK = "project-settings-sink";
    public static final String REPLIES_SINK = "command-replies-sink";

    /** In-memory stores with changelogs: small, and restored from Kafka after any restart. */
    public static List<StoreBuilder<? extends KeyValueStore<String, ?>>> builders(TopicSerdes serdes) {
        return List.of(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MODELS), Serdes.String(),
                        ViewStores.pinned(serdes.valueSerde(TopicCatalog.MODEL_SETTINGS), TopicCatalog.MODEL_SETTINGS)),
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MODEL_NAMES), Serdes.String(), Serdes.String()),
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PROJECTS), Serdes.String(),
                        ViewStores.pinned(serdes.valueSerde(TopicCatalog.PROJECT_SETTINGS), TopicCatalog.PROJECT_SETTINGS)));
    }
}
