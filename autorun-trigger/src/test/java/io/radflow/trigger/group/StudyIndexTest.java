package io.radflow.trigger.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.avro.InferenceJob;
import io.radflow.trigger.TriggerStores;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-study instance state alone: chunks in the store, recent studies in memory, and memory rebuilt from the store. */
class StudyIndexTest {

    static final String P = "project-1";
    static final String STUDY = "1.2.840.5";

    KeyValueStore<String, InstanceChunk> store;

    @BeforeEach
    void setUp() {
        MockProcessorContext<String, InferenceJob> context = new MockProcessorContext<>();
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TriggerStores.INSTANCES), Serdes.String(),
                new InstanceChunkSerde()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
    }

    static InstanceRecord full(String series, int n) {
        return new InstanceRecord(true, "d", series, series + "." + n, n, 1, "file:///x/" + series + "." + n, "application/dicom", 10,
                null, 99, "1.2.840.10008.5.1.4.1.1.2", "CT", true, "CHEST", "axial");
    }

    @Test
    void shouldKnowEveryInstanceOfALargeStudyAgainFromTheStoreAlone() {
        StudyIndex index = new StudyIndex(store, 1_000_000);
        StudyIndex.Study study = index.get(P, STUDY);
        for (int n = 1; n <= 1500; n++) {
            index.add(study, n % 2 == 0 ? full(STUDY + ".1", n) : InstanceRecord.seen(STUDY + ".2", STUDY + ".2." + n));
        }
        assertThat(chunkKeys()).as("bounded chunks").hasSizeGreaterThan(5);

        // What a restart, a task move or an aborted transaction leaves: the store, and nothing in memory.
        StudyIndex rebuilt = new StudyIndex(store, 1_000_000);
        StudyIndex.Study again = rebuilt.get(P, STUDY);
        assertThat(again.size()).isEqualTo(1500);
        assertThat(again.contains(STUDY + ".1", STUDY + ".1.2")).isTrue();
        assertThat(again.contains(STUDY + ".2", STUDY + ".2.3")).isTrue();
        assertThat(again.contains(STUDY + ".2", STUDY + ".2.2")).isFalse();

        // Appends continue after the last chunk instead of overwriting one.
        rebuilt.add(again, full(STUDY + ".1", 2000));
        assertThat(rebuilt.members(P, STUDY, null)).hasSize(1501);
        assertThat(rebuilt.members(P, STUDY, STUDY + ".1")).hasSize(751).allSatisfy(r -> assertThat(r.full()).isTrue())
                .contains(full(STUDY + ".1", 2000));
    }

    @Test
    void shouldDropStudiesFromMemoryButNotFromTheStore() {
        StudyIndex index = new StudyIndex(store, 10);
        StudyIndex.Study big = index.get(P, STUDY);
        for (int n = 1; n <= 30; n++) {
            index.add(big, InstanceRecord.seen(STUDY + ".1", STUDY + ".1." + n));
        }
        assertThat(index.studiesHeld()).as("a study larger than the memory is held alone").isEqualTo(1);
        StudyIndex.Study other = index.get(P, "1.2.840.6");
        index.add(other, InstanceRecord.seen("1.2.840.6.1", "1.2.840.6.1.1"));
        assertThat(index.studiesHeld()).isEqualTo(1);

        assertThat(index.get(P, STUDY).contains(STUDY + ".1", STUDY + ".1.30")).as("read back from the store").isTrue();
        assertThat(index.remove(P, STUDY)).isEqualTo(30);
        assertThat(index.get(P, STUDY).size()).isZero();
        assertThat(chunkKeys()).allSatisfy(k -> assertThat(k).doesNotContain(STUDY + "\0"));
    }

    private List<String> chunkKeys() {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, InstanceChunk> it = store.all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }
}
