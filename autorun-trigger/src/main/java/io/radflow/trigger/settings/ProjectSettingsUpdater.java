package io.radflow.trigger.settings;

import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.trigger.SettingsDecoding;
import io.radflow.trigger.TriggerMetrics;
import io.radflow.trigger.TriggerStores;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps the global project store: project id to name while the project exists; a tombstone removes it. */
public final class ProjectSettingsUpdater implements Processor<String, byte[], Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(ProjectSettingsUpdater.class);

    private final String topic;
    private final Deserializer<ProjectSettings> deserializer;
    private final TriggerMetrics metrics;
    private KeyValueStore<String, String> store;

    public ProjectSettingsUpdater(String topic, Deserializer<ProjectSettings> deserializer, TriggerMetrics metrics) {
        this.topic = topic;
        this.deserializer = deserializer;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(TriggerStores.PROJECTS);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String projectId = record.key();
        if (projectId == null) {
            log.warn("project settings record without key skipped topic={}", topic);
            metrics.settingsSkipped(topic);
            return;
        }
        if (record.value() == null) {
            store.delete(projectId);
            return;
        }
        SettingsDecoding.decode(() -> deserializer.deserialize(topic, record.value()), topic, projectId, log, metrics)
                .ifPresent(settings -> store.put(projectId, settings.getName()));
    }
}
