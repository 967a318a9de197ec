package io.radflow.trigger.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.Events;
import io.radflow.trigger.TriggerMetrics;
import io.radflow.trigger.TriggerSettings;
import io.radflow.trigger.TriggerStores;
import io.radflow.trigger.settings.ModelCatalog;
import io.radflow.trigger.settings.ModelHistory;
import io.radflow.trigger.settings.ModelHistorySerde;
import io.radflow.trigger.settings.ModelSnapshot;
import io.radflow.trigger.settings.SettingsVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The processor alone, taken through what Kafka Streams does after a dirty close under exactly-once
 * (an aborted transaction): close, the stores restored to the last commit, and init again on the same
 * processor object. The topology test driver never revives a task, so this uses a mock context.
 */
class AutoRunProcessorReviveTest {

    static final String P = "project-1";
    static final String STUDY = "1.2.840.7";
    static final String SERIES = STUDY + ".1";
    static final Instant NOW = Instant.parse("2026-03-02T08:00:00Z");
    static final Duration HISTORY = Duration.ofDays(14);

    final MockProcessorContext<String, InferenceJob> context = new MockProcessorContext<>();
    final TriggerSettings settings = new TriggerSettings(Duration.ofSeconds(60), Duration.ofHours(1), HISTORY, Duration.ofSeconds(1));
    KeyValueStore<String, InstanceChunk> instances;
    KeyValueStore<String, GroupState> groups;
    KeyValueStore<String, String> due;
    AutoRunProcessor processor;

    @BeforeEach
    void setUp() {
        instances = store(TriggerStores.INSTANCES, new InstanceChunkSerde());
        groups = store(TriggerStores.GROUPS, new GroupStateSerde());
        due = store(TriggerStores.DUE, Serdes.String());
        KeyValueStore<String, ModelHistory> models = store(TriggerStores.MODEL_SETTINGS, new ModelHistorySerde());
        // Only an INSTANCE-scope model: the upload's series and study groups have no model and go idle.
        Instant before = NOW.minus(Duration.ofHours(1));
        models.put(ModelCatalog.key(P, "m-instance"), ModelHistory.empty("m-instance")
                .append(ModelSnapshot.of(Events.model("m-instance", P, Scope.INSTANCE, before), before.toEpochMilli()), HISTORY));
        context.setCurrentSystemTimeMs(NOW.toEpochMilli());
        processor = new AutoRunProcessor(settings, new TriggerMetrics(new SimpleMeterRegistry()), new SettingsVersion());
    }

    private <V> KeyValueStore<String, V> store(String name, Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }

    @Test
    void shouldWriteTheStudyAgainWhenTheTransactionThatWroteItWasAborted() {
        DatasetUploadEvent upload = Events.instance(P, STUDY, SERIES, SERIES + ".1", 1, NOW);
        String study = GroupKey.study(P, STUDY).storeKey();
        processor.init(context);
        processor.process(new Record<>(STUDY, upload, NOW.toEpochMilli()));
        assertThat(groups.get(study)).isNotNull();

        // The transaction aborts: the task closes dirty, its stores go back to the last commit (before
        // this upload), and the same processor is initialised again and given the upload again.
        processor.close();
        clear(instances);
        clear(groups);
        clear(due);
        processor.init(context);
        processor.process(new Record<>(STUDY, upload, NOW.toEpochMilli()));

        assertThat(groups.get(study)).as("the study group, whose retention removes the instance later").isNotNull();
        assertThat(groups.get(GroupKey.series(P, STUDY, SERIES).storeKey())).isNotNull();
        assertThat(new DueIndex(due).count(DueIndex.Kind.EXPIRY)).as("the study's expiry entry").isEqualTo(1);
        assertThat(new StudyIndex(instances, 10).get(P, STUDY).contains(SERIES, SERIES + ".1")).isTrue();
        assertThat(context.forwarded()).as("the INSTANCE job, once per attempt").hasSize(2);
    }

    private static <V> void clear(KeyValueStore<String, V> store) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(store::delete);
    }
}
