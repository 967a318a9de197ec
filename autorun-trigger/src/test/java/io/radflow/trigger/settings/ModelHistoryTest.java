package io.radflow.trigger.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.RoutingRules;
import io.radflow.schemas.avro.Scope;
import io.radflow.schemas.routing.InstanceRouting;
import io.radflow.testsupport.Events;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ModelHistoryTest {

    static final ActiveVersion V1 = new ActiveVersion(1, Scope.SERIES, Map.of("k", "v"));
    static final Duration DAY = Duration.ofDays(1);

    static ModelSnapshot snapshot(long at, boolean autoRun) {
        return new ModelSnapshot(at, "p", true, autoRun, false, V1);
    }

    @Test
    void shouldAnswerWithTheSettingsInEffectAtATime() {
        ModelHistory h = ModelHistory.empty("m").append(snapshot(100, false), DAY).append(snapshot(200, true), DAY);

        assertThat(h.at(99)).isEmpty();
        assertThat(h.at(100).orElseThrow().eligible()).isFalse();
        assertThat(h.at(199).orElseThrow().eligible()).isFalse();
        assertThat(h.at(200).orElseThrow().eligible()).isTrue();
        assertThat(h.at(Long.MAX_VALUE).orElseThrow().eligible()).isTrue();
    }

    @Test
    void shouldIgnoreUpdatesThatChangeNothingAutoRunUses() {
        ModelHistory h = ModelHistory.empty("m").append(snapshot(100, true), DAY);

        assertThat(h.append(snapshot(500, true), DAY)).isSameAs(h);
    }

    @Test
    void shouldKeepTopicOrderWhenAWritersClockIsBehind() {
        ModelHistory h = ModelHistory.empty("m").append(snapshot(500, true), DAY).append(snapshot(300, false), DAY);

        assertThat(h.snapshots()).extracting(ModelSnapshot::effectiveFrom).containsExactly(500L, 500L);
        assertThat(h.at(500).orElseThrow().autoRun()).isFalse();
    }

    @Test
    void shouldDropSnapshotsOlderThanTheRetentionButKeepTheBaseline() {
        long day = DAY.toMillis();
        ModelHistory h = ModelHistory.empty("m");
        for (int i = 0; i < 10; i++) {
            h = h.append(snapshot(i * day, i % 2 == 0), Duration.ofDays(3));
        }
        // Last snapshot at day 9: days 6..9 are within 3 days; day 6 is the baseline at the cutoff.
        assertThat(h.snapshots()).extracting(ModelSnapshot::effectiveFrom).containsExactly(6 * day, 7 * day, 8 * day, 9 * day);
        assertThat(h.at(6 * day + 1).orElseThrow().autoRun()).isTrue();
    }

    @Test
    void shouldResolveTheActiveVersionOrTheLatest() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        ModelSettings two = ModelSettings.newBuilder(Events.model("m", "p", Scope.INSTANCE, t))
                .setVersions(List.of(Events.version(2, Scope.STUDY, t), Events.version(1, Scope.INSTANCE, t))).build();

        assertThat(ModelSnapshot.resolveActive(two).orElseThrow().version()).isEqualTo(2);
        assertThat(ModelSnapshot.resolveActive(ModelSettings.newBuilder(two).setActiveVersion(1).build()).orElseThrow().scope())
                .isEqualTo(Scope.INSTANCE);
        ModelSnapshot missing = ModelSnapshot.of(ModelSettings.newBuilder(two).setActiveVersion(7).build(), 0);
        assertThat(missing.active()).isNull();
        assertThat(missing.eligible()).as("an auto-run model without a runnable version runs nothing").isFalse();
        assertThat(ModelSnapshot.of(ModelSettings.newBuilder(two).setVersions(List.of()).build(), 0).eligible()).isFalse();
    }

    @Test
    void shouldRoundTripThroughTheStoreFormat() {
        ModelHistory h = ModelHistory.empty("m").append(snapshot(100, false), DAY)
                .append(new ModelSnapshot(200, "p", true, true, true, null), DAY).append(ModelSnapshot.purged("p", 300), DAY);
        ModelHistorySerde serde = new ModelHistorySerde();

        assertThat(serde.deserialize("t", serde.serialize("t", h))).isEqualTo(h);
    }

    @Test
    void shouldKeepRoutingRulesInTheHistoryAndTheStoreFormat() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        RoutingRules ctChest = RoutingRules.newBuilder().setModalities(List.of("CT")).setBodyPartsExamined(List.of("CHEST"))
                .setSopClassUids(List.of("1.2.840.10008.5.1.4.1.1.2")).setSeriesDescriptionPattern("(?i)lung").build();
        ModelSettings plain = Events.model("m", "p", Scope.SERIES, t);
        ModelSettings routed = Events.routed(ModelSettings.newBuilder(plain).setUpdatedAt(t.plusSeconds(1)).build(), ctChest);
        ModelHistory h = ModelHistory.empty("m").append(ModelSnapshot.of(plain, 100), DAY).append(ModelSnapshot.of(routed, 200), DAY);

        assertThat(h.snapshots()).as("a rule change is a change auto-run depends on").hasSize(2);
        assertThat(h.at(200).orElseThrow().active().routing().rules()).isEqualTo(ctChest);
        ModelHistorySerde serde = new ModelHistorySerde();
        assertThat(serde.deserialize("t", serde.serialize("t", h))).isEqualTo(h);
    }

    @Test
    void shouldReadTheFormatWrittenBeforeRoutingRulesAsTakingEveryImage() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(1);
        out.writeUTF("m");
        out.writeInt(1);
        out.writeLong(100);
        out.writeUTF("p");
        out.writeBoolean(true);
        out.writeBoolean(true);
        out.writeBoolean(false);
        out.writeBoolean(true);
        out.writeInt(1);
        out.writeUTF("SERIES");
        out.writeInt(1);
        out.writeUTF("k");
        out.writeUTF("v");

        ModelHistory read = new ModelHistorySerde().deserialize("t", bytes.toByteArray());
        assertThat(read.snapshots()).containsExactly(snapshot(100, true));
        assertThat(read.snapshots().get(0).active().routing()).isEqualTo(InstanceRouting.EVERY_IMAGE);
    }

    @Test
    void shouldRefuseAStoreFormatItDoesNotKnow() {
        ModelHistorySerde serde = new ModelHistorySerde();
        byte[] bytes = serde.serialize("t", ModelHistory.empty("m"));
        bytes[0] = 9;

        assertThatThrownBy(() -> serde.deserialize("t", bytes)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("format version 9");
    }
}
