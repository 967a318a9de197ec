package io.radflow.trigger.settings;

import io.radflow.schemas.avro.ModelSettings;
import io.radflow.trigger.SettingsDecoding;
import io.radflow.trigger.StoreKeys;
import io.radflow.trigger.TriggerMetrics;
import io.radflow.trigger.TriggerStores;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global model store: for each model, the history of the settings auto-run depends on,
 * each snapshot in effect from the settings' {@code updatedAt} (a purge tombstone: from the
 * record's timestamp). Kafka Streams runs this processor again over the topic when it restores the
 * store, so the store never holds raw topic records.
 */
public final class ModelSettingsUpdater implements Processor<String, byte[], Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(ModelSettingsUpdater.class);

    private final String topic;
    private final Deserializer<ModelSettings> deserializer;
    private final Duration retention;
    private final TriggerMetrics metrics;
    private final SettingsVersion version;
    private KeyValueStore<String, ModelHistory> store;

    public ModelSettingsUpdater(String topic, Deserializer<ModelSettings> deserializer, Duration retention, TriggerMetrics metrics,
                                SettingsVersion version) {
        this.topic = topic;
        this.deserializer = deserializer;
        this.retention = retention;
        this.metrics = metrics;
        this.version = version;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(TriggerStores.MODEL_SETTINGS);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String modelId = record.key();
        if (modelId == null) {
            log.warn("model settings record without key skipped topic={}", topic);
            metrics.settingsSkipped(topic);
            return;
        }
        if (record.value() == null) {
            for (KeyValue<String, ModelHistory> entry : entriesOf(modelId)) {
                String projectId = entry.value.latest().map(ModelSnapshot::projectId).orElseThrow();
                store.put(entry.key, entry.value.append(ModelSnapshot.purged(projectId, record.timestamp()), retention));
            }
            version.changed();
            log.info("model purged modelId={}", modelId);
            return;
        }
        SettingsDecoding.decode(() -> deserializer.deserialize(topic, record.value()), topic, modelId, log, metrics)
                .ifPresent(settings -> apply(modelId, settings));
    }

    private void apply(String modelId, ModelSettings settings) {
        if (!modelId.equals(settings.getModelId())) {
            log.warn("model settings key and modelId differ; the key wins key={} modelId={}", modelId, settings.getModelId());
        }
        ModelSnapshot snapshot = ModelSnapshot.of(settings, settings.getUpdatedAt().toEpochMilli());
        if (snapshot.autoRun() && snapshot.active() == null) {
            // Normal between creating a model with auto-run on and uploading its first version.
            log.info("auto-run model has no active version yet; no jobs until one is activated modelId={} activeVersion={}",
                    modelId, settings.getActiveVersion());
        }
        String key = ModelCatalog.key(snapshot.projectId(), modelId);
        ModelHistory existing = Optional.ofNullable(store.get(key)).orElseGet(() -> ModelHistory.empty(modelId));
        if (!existing.latest().map(ModelSnapshot::exists).orElse(false)) {
            // New here, or back here after a move away: either a new model, or one that moved from
            // another project, which no longer has it.
            for (KeyValue<String, ModelHistory> elsewhere : entriesOf(modelId)) {
                String oldProject = elsewhere.value.latest().map(ModelSnapshot::projectId).orElseThrow();
                store.put(elsewhere.key, elsewhere.value.append(ModelSnapshot.purged(oldProject, snapshot.effectiveFrom()), retention));
            }
        }
        ModelHistory updated = existing.append(snapshot, retention);
        if (updated != existing) {
            store.put(key, updated);
        }
        version.changed();
    }

    /** Every project's history of this model; rare (purges, new models), so a full scan is fine. */
    private List<KeyValue<String, ModelHistory>> entriesOf(String modelId) {
        String suffix = StoreKeys.SEPARATOR + modelId;
        List<KeyValue<String, ModelHistory>> found = new ArrayList<>();
        try (KeyValueIterator<String, ModelHistory> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, ModelHistory> kv = it.next();
                if (kv.key.endsWith(suffix) && kv.value.latest().map(ModelSnapshot::exists).orElse(false)) {
                    found.add(kv);
                }
            }
        }
        return found;
    }
}
