package io.radflow.registry;

import io.radflow.registry.commands.CommandProcessor;
import io.radflow.registry.commands.CommandStores;
import io.radflow.registry.commands.UsageProcessor;
import io.radflow.registry.view.ViewStoreUpdater;
import io.radflow.registry.view.ViewStores;
import io.radflow.registry.view.ViewUpdates;
import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.schemas.Topic;
import io.radflow.schemas.TopicCatalog;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;

/**
 * The registry's Kafka Streams topology, in three parts:
 * <ol>
 *   <li>the view: every compacted topic of the registry into a global store (full table on every
 *       instance);</li>
 *   <li>the command processor: {@code registry-commands} (keyed by project) to the settings topics
 *       and {@code registry-command-replies};</li>
 *   <li>usage: {@code job-status} to "model used" commands.</li>
 * </ol>
 */
public final class RegistryTopology {

    private RegistryTopology() {
    }

    /** @param streamsConfig the application's Kafka Streams configuration (the topology reads its own settings from it) */
    public static Topology build(TopicSerdes serdes, ViewUpdates updates, Duration lastUsedResolution, RegistryMetrics metrics,
                                 Properties streamsConfig) {
        Topology topology = new Topology(new TopologyConfig(new StreamsConfig(streamsConfig)));
        for (ViewStores.View<?> view : ViewStores.ALL) {
            addView(topology, serdes, view, updates);
        }

        topology.addSource("commands", serdes.keyDeserializer(TopicCatalog.REGISTRY_COMMANDS),
                serdes.valueDeserializer(TopicCatalog.REGISTRY_COMMANDS), TopicCatalog.REGISTRY_COMMANDS.name());
        topology.addProcessor("command-processor", () -> new CommandProcessor(lastUsedResolution), "commands");
        for (var store : CommandStores.builders(serdes)) {
            topology.addStateStore(store, "command-processor");
        }
        addSink(topology, serdes, CommandStores.MODEL_SETTINGS_SINK, TopicCatalog.MODEL_SETTINGS, "command-processor");
        addSink(topology, serdes, CommandStores.PROJECT_SETTINGS_SINK, TopicCatalog.PROJECT_SETTINGS, "command-processor");
        addSink(topology, serdes, CommandStores.REPLIES_SINK, TopicCatalog.REGISTRY_COMMAND_REPLIES, "command-processor");

        topology.addSource("job-status", serdes.keyDeserializer(TopicCatalog.JOB_STATUS), new ByteArrayDeserializer(),
                TopicCatalog.JOB_STATUS.name());
        topology.addProcessor("usage", () -> new UsageProcessor(serdes.valueDeserializer(TopicCatalog.JOB_STATUS),
                lastUsedResolution, metrics), "job-status");
        addSink(topology, serdes, "usage-commands-sink", TopicCatalog.REGISTRY_COMMANDS, "usage");
        return topology;
    }

    /** One compacted topic of the registry into a global store, as the registry keeps it (also used by the prediction view). */
    public static <V> void addView(Topology topology, TopicSerdes serdes, ViewStores.View<V> view, ViewUpdates updates) {
        topology.addGlobalStore(ViewStores.globalStore(view, serdes), view.storeName() + "-source",
                serdes.keyDeserializer(view.topic()), serdes.valueDeserializer(view.topic()), view.topic().name(),
                view.storeName() + "-updater", () -> new ViewStoreUpdater<V>(view.storeName(), updates));
    }

    @SuppressWarnings("unchecked")
    private static <V> void addSink(Topology topology, TopicSerdes serdes, String name, Topic<String, V> topic, String parent) {
        // The command processor forwards several value types; each sink serializes its topic's.
        topology.addSink(name, topic.name(), serdes.keySerializer(topic), (Serializer<Object>) (Serializer<?>) serdes.valueSerializer(topic), parent);
    }
}
