package io.radflow.trigger;

import io.radflow.schemaregistry.serde.TopicSerdes;
import io.radflow.trigger.group.AutoRunProcessor;
import io.radflow.trigger.group.GroupStateSerde;
import io.radflow.trigger.group.InstanceChunkSerde;
import io.radflow.trigger.settings.ModelHistorySerde;
import io.radflow.trigger.settings.ModelSettingsUpdater;
import io.radflow.trigger.settings.ProjectSettingsUpdater;
import io.radflow.trigger.settings.SettingsVersion;
import io.radflow.trigger.upload.UploadDecoder;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.state.Stores;

/**
 * The trigger's topology:
 * <pre>
 *   model-settings   --(global)--> ModelSettingsUpdater   -> trigger-model-settings (history per model)
 *   project-settings --(global)--> ProjectSettingsUpdater -> trigger-projects
 *   dataset-uploads (bytes) -> UploadDecoder -+-> AutoRunProcessor -> inference-jobs
 *                                             +-> dataset-index (each valid instance, compacted)
 *                                             +-> dataset-uploads-dlq (bytes as consumed, reason headers)
 * </pre>
 * The upload path has no repartition: uploads are keyed by study UID and all per-study state is
 * keyed under it, so each study's events and state stay in one task.
 */
public final class TriggerTopology {

    static final String UPLOADS_SOURCE = "uploads";
    static final String DECODER = "decode-uploads";
    static final String AUTO_RUN = "auto-run";
    static final String JOBS_SINK = "jobs";
    static final String DLQ_SINK = "dead-letters";
    static final String INDEX_SINK = "dataset-index";

    private TriggerTopology() {
    }

    private static void addSettingsStores(StreamsBuilder builder, TriggerTopics topics, TriggerSettings settings, TopicSerdes serdes,
                                          TriggerMetrics metrics, SettingsVersion version) {
        // StreamsBuilder.addGlobalStore (unlike Topology's) runs the processors again when it restores
        // the stores, so they hold histories rather than raw topic records.
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TriggerStores.MODEL_SETTINGS), Serdes.String(),
                        new ModelHistorySerde()).withLoggingDisabled(),
                topics.modelSettings().name(), Consumed.with(Serdes.String(), Serdes.ByteArray()),
                () -> new ModelSettingsUpdater(topics.modelSettings().name(), serdes.valueDeserializer(topics.modelSettings()),
                        settings.settingsHistory(), metrics, version));
        // Small and read for every upload: in memory, rebuilt from the topic at each start.
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TriggerStores.PROJECTS), Serdes.String(),
                        Serdes.String()).withLoggingDisabled(),
                topics.projectSettings().name(), Consumed.with(Serdes.String(), Serdes.ByteArray()),
                () -> new ProjectSettingsUpdater(topics.projectSettings().name(), serdes.valueDeserializer(topics.projectSettings()),
                        metrics));
    }

    public static Topology build(StreamsBuilder builder, TriggerTopics topics, TriggerSettings settings, TopicSerdes serdes,
                                 TriggerMetrics metrics) {
        SettingsVersion version = new SettingsVersion();
        addSettingsStores(builder, topics, settings, serdes, metrics, version);
        Topology topology = builder.build();
        topology.addSource(UPLOADS_SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                topics.uploads().name());
        topology.addProcessor(DECODER, () -> new UploadDecoder(topics.uploads().name(),
                serdes.valueDeserializer(topics.uploads()), AUTO_RUN, INDEX_SINK, DLQ_SINK, metrics), UPLOADS_SOURCE);
        topology.addProcessor(AUTO_RUN, () -> new AutoRunProcessor(settings, metrics, version), DECODER);
        // A study's uploads all rewrite its tail chunk: the cache turns a burst into one changelog record per commit.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TriggerStores.INSTANCES),
                Serdes.String(), new InstanceChunkSerde()).withCachingEnabled(), AUTO_RUN);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TriggerStores.GROUPS),
                Serdes.String(), new GroupStateSerde()).withCachingEnabled(), AUTO_RUN);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TriggerStores.DUE),
                Serdes.String(), Serdes.String()).withCachingEnabled(), AUTO_RUN);
        topology.addSink(JOBS_SINK, topics.jobs().name(), serdes.keySerializer(topics.jobs()), serdes.valueSerializer(topics.jobs()),
                AUTO_RUN);
        topology.addSink(INDEX_SINK, topics.index().name(), serdes.keySerializer(topics.index()), serdes.valueSerializer(topics.index()),
                DECODER);
        topology.addSink(DLQ_SINK, topics.deadLetters().name(), serdes.keySerializer(topics.deadLetters()),
                serdes.valueSerializer(topics.deadLetters()), DECODER);
        return topology;
    }
}
