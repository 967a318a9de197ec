package io.radflow.trigger.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.Scope;
import io.radflow.testsupport.Events;
import io.radflow.trigger.TriggerMetrics;
import io.radflow.trigger.TriggerStores;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The global settings processor alone, over an in-memory store and a mock context. */
class ModelSettingsUpdaterTest {

    static final Instant T = Instant.parse("2026-02-01T10:00:00Z");

    /** Stands in for the Avro deserializer: bytes name a prepared record or a failure. */
    final Map<String, ModelSettings> byName = new HashMap<>();
    final Deserializer<ModelSettings> deserializer = (topic, data) -> {
        String name = new String(data);
        if (name.equals("garbage")) {
            throw new RadflowException(Reason.UNDECODABLE_RECORD, "cannot decode");
        }
        if (name.equals("registry-down")) {
            throw new RadflowException(Reason.SCHEMA_REGISTRY_UNREACHABLE, "connection refused");
        }
        return byName.get(name);
    };
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    KeyValueStore<String, ModelHistory> store;
    ModelSettingsUpdater updater;
    ModelCatalog catalog;

    @BeforeEach
    void setUp() {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TriggerStores.MODEL_SETTINGS), Serdes.String(),
                new ModelHistorySerde()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        SettingsVersion version = new SettingsVersion();
        updater = new ModelSettingsUpdater("model-settings", deserializer, Duration.ofDays(14), new TriggerMetrics(meters), version);
        updater.init(context);
        catalog = new ModelCatalog(store, version);
    }

    private void send(String key, ModelSettings settings) {
        String name = "r" + byName.size();
        byName.put(name, settings);
        updater.process(new Record<>(key, name.getBytes(), 0));
    }

    @Test
    void shouldRecordEachChangeAtItsUpdatedAt() {
        ModelSettings m = Events.model("m1", "p1", Scope.SERIES, T);
        send("m1", ModelSettings.newBuilder(m).setAutoRun(false).build());
        send("m1", ModelSettings.newBuilder(m).setUpdatedAt(T.plusSeconds(60)).build());
        send("m1", ModelSettings.newBuilder(m).setUpdatedAt(T.plusSeconds(120)).setLastUsedAt(T.plusSeconds(120)).build());

        assertThat(catalog.eligibleAt("p1", T.plusSeconds(59).toEpochMilli())).isEmpty();
        assertThat(catalog.eligibleAt("p1", T.plusSeconds(60).toEpochMilli())).extracting(EligibleModel::modelId).containsExactly("m1");
        assertThat(catalog.history("p1", "m1").orElseThrow().snapshots()).as("lastUsedAt alone adds no snapshot").hasSize(2);
    }

    @Test
    void shouldEndAPurgedModelsHistoryAtTheTombstone() {
        send("m1", Events.model("m1", "p1", Scope.INSTANCE, T));
        updater.process(new Record<>("m1", null, T.plusSeconds(10).toEpochMilli()));

        assertThat(catalog.eligibleAt("p1", "m1", T.plusSeconds(9).toEpochMilli())).isTrue();
        assertThat(catalog.eligibleAt("p1", "m1", T.plusSeconds(10).toEpochMilli())).isFalse();
    }

    @Test
    void shouldMoveAModelThatChangedProject() {
        ModelSettings m = Events.model("m1", "p1", Scope.INSTANCE, T);
        send("m1", m);
        send("m1", ModelSettings.newBuilder(m).setProjectId("p2").setUpdatedAt(T.plusSeconds(30)).build());

        long later = T.plusSeconds(31).toEpochMilli();
        assertThat(catalog.eligibleAt("p1", later)).isEmpty();
        assertThat(catalog.eligibleAt("p2", later)).extracting(EligibleModel::modelId).containsExactly("m1");
        assertThat(catalog.eligibleAt("p1", T.plusSeconds(1).toEpochMilli())).hasSize(1);
    }

    @Test
    void shouldMoveAModelBackToAProjectItLeft() {
        ModelSettings m = Events.model("m1", "p1", Scope.INSTANCE, T);
        send("m1", m);
        send("m1", ModelSettings.newBuilder(m).setProjectId("p2").setUpdatedAt(T.plusSeconds(30)).build());
        send("m1", ModelSettings.newBuilder(m).setProjectId("p1").setUpdatedAt(T.plusSeconds(60)).build());

        long later = T.plusSeconds(61).toEpochMilli();
        assertThat(catalog.eligibleAt("p2", later)).as("the project it left again").isEmpty();
        assertThat(catalog.eligibleAt("p1", later)).extracting(EligibleModel::modelId).containsExactly("m1");
        assertThat(catalog.eligibleAt("p1", T.plusSeconds(45).toEpochMilli())).as("while it was in p2").isEmpty();
        assertThat(catalog.eligibleAt("p2", T.plusSeconds(45).toEpochMilli())).hasSize(1);
    }

    @Test
    void shouldSkipAnUndecodableRecordAndThrowWhenTheRegistryIsDown() {
        updater.process(new Record<>("m1", "garbage".getBytes(), 0));
        assertThat(meters.find(TriggerMetrics.SETTINGS_SKIPPED).counter().count()).isEqualTo(1);

        assertThatThrownBy(() -> updater.process(new Record<>("m1", "registry-down".getBytes(), 0)))
                .isInstanceOf(RadflowException.class).hasMessageContaining("connection refused");
    }
}
