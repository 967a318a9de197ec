package io.radflow.trigger;

import static io.radflow.testsupport.Events.instance;
import static io.radflow.testsupport.Events.model;
import static io.radflow.testsupport.Events.seriesMarker;
import static io.radflow.testsupport.Events.studyMarker;
import static io.radflow.trigger.TriggerTestDriver.START;
import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobTrigger;
import io.radflow.schemas.avro.Scope;
import io.radflow.trigger.group.GroupStateSerde;
import io.radflow.trigger.group.InstanceChunk;
import io.radflow.trigger.group.InstanceChunkSerde;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state layout (a study's instances in chunks, a record cache in front of the store, the UIDs of
 * recent studies in memory) decides nothing: a study larger than the cache and the memory gets the
 * same jobs, and a trigger whose state was rebuilt from its changelogs decides as one that never stopped.
 */
class StudyStateTopologyTest {

    static final String P = "project-1";
    static final String STUDY = "1.2.840.9";
    static final String OTHER_STUDY = "1.2.840.10";
    static final Instant BEFORE = START.minus(Duration.ofHours(1));
    static final String APPLICATION_ID = TriggerConfig.APPLICATION_ID.defaultValue();

    @TempDir
    Path state;

    @TempDir
    Path restoredState;

    static DatasetUploadEvent inst(String study, String series, int n) {
        return instance(P, study, series, series + "." + n, n, START.plusMillis(n));
    }

    static TriggerSettings settings(int instancesInMemory) {
        return new TriggerSettings(TriggerTestDriver.QUIET, TriggerTestDriver.RETENTION, Duration.ofDays(14), Duration.ofSeconds(1),
                instancesInMemory);
    }

    static TriggerTestDriver driver(Path dir, int instancesInMemory, long cacheBytes) {
        TriggerTestDriver t = new TriggerTestDriver(dir, settings(instancesInMemory),
                Map.of("trigger.streams.statestore.cache.max.bytes", Long.toString(cacheBytes)));
        t.project(P);
        t.model(model("m-series", P, Scope.SERIES, BEFORE));
        t.model(model("m-study", P, Scope.STUDY, BEFORE));
        return t;
    }

    @Test
    void shouldEmitEveryInstanceOfAStudyLargerThanTheCacheAndTheMemory() {
        int perSeries = 700;
        List<String> series = List.of(STUDY + ".1", STUDY + ".2", STUDY + ".3");
        int duplicates = 0;
        // A 4 KB record cache and 50 instances in memory, against a study of 2,100 instances whose
        // chunks hold several hundred KB: the cache evicts chunks to the store mid-burst, and the study
        // leaves memory whenever another study is uploaded in between.
        try (TriggerTestDriver t = driver(state, 50, 4096)) {
            for (int n = 1; n <= perSeries; n++) {
                for (String s : series) {
                    t.upload(inst(STUDY, s, n));
                }
                if (n % 10 == 0) {
                    t.upload(inst(OTHER_STUDY, OTHER_STUDY + ".1", n));
                    t.upload(inst(STUDY, series.get(n % 3), n / 2));
                    duplicates++;
                }
            }
            for (String s : series) {
                t.upload(seriesMarker(P, STUDY, s, perSeries, START.plusSeconds(1)));
            }
            t.upload(studyMarker(P, STUDY, 3 * perSeries, START.plusSeconds(1)));

            List<InferenceJob> jobs = t.readJobs();
            assertThat(jobs).hasSize(4).allSatisfy(j -> {
                assertThat(j.getTrigger()).isEqualTo(JobTrigger.COMPLETION_MARKER);
                assertThat(j.getRevision()).isZero();
            });
            assertThat(jobs).filteredOn(j -> j.getScope() == Scope.SERIES)
                    .extracting(InferenceJob::getScopeUid).containsExactlyInAnyOrderElementsOf(series);
            assertThat(jobs).filteredOn(j -> j.getScope() == Scope.SERIES)
                    .allSatisfy(j -> assertThat(j.getInstances()).hasSize(perSeries)
                            .allSatisfy(i -> assertThat(i.getSeriesInstanceUid()).isEqualTo(j.getScopeUid())));
            assertThat(jobs).filteredOn(j -> j.getScope() == Scope.STUDY).singleElement()
                    .satisfies(j -> assertThat(j.getInstances()).hasSize(3 * perSeries)
                            .extracting(i -> i.getSopInstanceUid()).doesNotHaveDuplicates());
            assertThat(t.counter(TriggerMetrics.UPLOADS, "outcome", "duplicate-instance")).isEqualTo(duplicates);

            // Bounded records: the study lies in many chunks, none much above the chunk size.
            List<byte[]> chunks = new ArrayList<>();
            try (var it = t.<String, InstanceChunk>store(TriggerStores.INSTANCES).prefixScan(
                    StoreKeys.prefix(P, STUDY), Serdes.String().serializer())) {
                it.forEachRemaining(kv -> chunks.add(new InstanceChunkSerde().serialize("t", kv.value)));
            }
            assertThat(chunks).hasSizeGreaterThan(10).allSatisfy(c -> assertThat(c.length).isLessThan(20 * 1024));
        }
    }

    @Test
    void shouldDecideAsBeforeWhenTheStateIsRebuiltFromItsChangelogs() {
        String s1 = STUDY + ".1";
        String s2 = STUDY + ".2";
        try (TriggerTestDriver running = driver(state, 50_000, 10 * 1024 * 1024)) {
            // Before the crash: a series completed by its marker, another half uploaded, a study pending.
            for (int n = 1; n <= 5; n++) {
                running.upload(inst(STUDY, s1, n));
            }
            running.upload(seriesMarker(P, STUDY, s1, 5, START.plusSeconds(1)));
            for (int n = 1; n <= 3; n++) {
                running.upload(inst(STUDY, s2, n));
            }
            running.advance(Duration.ofSeconds(10));
            List<InferenceJob> before = running.readJobs();
            assertThat(before).hasSize(1);

            // A second trigger whose stores hold only what the first one's changelogs hold, as after a
            // crash that lost the local state; nothing of the first one's memory.
            try (TriggerTestDriver restored = driver(restoredState, 50_000, 10 * 1024 * 1024)) {
                restoreFromChangelogs(running, restored);
                restored.advance(Duration.ofSeconds(10));

                List<DatasetUploadEvent> after = new ArrayList<>();
                after.add(inst(STUDY, s1, 2)); // duplicate of an emitted instance
                after.add(inst(STUDY, s2, 3)); // duplicate of a pending one
                after.add(inst(STUDY, s2, 4));
                after.add(seriesMarker(P, STUDY, s1, 5, START.plusSeconds(1))); // the same marker again
                after.add(inst(STUDY, s1, 6)); // late: a revision after its quiet period
                after.add(seriesMarker(P, STUDY, s2, 4, START.plusSeconds(20)));
                for (DatasetUploadEvent e : after) {
                    running.upload(e);
                    restored.upload(e);
                }
                running.advance(TriggerTestDriver.QUIET.plusSeconds(5));
                restored.advance(TriggerTestDriver.QUIET.plusSeconds(5));

                List<String> expected = decisions(running.readJobs());
                assertThat(expected).as("a series by marker, then the late revision and the study by quiet period")
                        .hasSize(3).anySatisfy(d -> assertThat(d).contains("revision=1"));
                assertThat(decisions(restored.readJobs())).containsExactlyElementsOf(expected);
                assertThat(restored.counter(TriggerMetrics.UPLOADS, "outcome", "duplicate-instance")).isEqualTo(2);
                assertThat(restored.counter(TriggerMetrics.UPLOADS, "outcome", "duplicate-marker")).isEqualTo(1);
            }
        }
    }

    private static List<String> decisions(List<InferenceJob> jobs) {
        return jobs.stream().map(j -> j.getJobId() + " " + j.getScope() + " " + j.getScopeUid() + " revision=" + j.getRevision()
                + " supersedes=" + j.getSupersedesJobId() + " " + j.getTrigger() + " instances=" + j.getInstances().size()).toList();
    }

    /** Puts every changelog record of {@code from}'s per-task stores, in order, into {@code to}'s stores. */
    private static void restoreFromChangelogs(TriggerTestDriver from, TriggerTestDriver to) {
        restore(from, to, TriggerStores.INSTANCES, new InstanceChunkSerde());
        restore(from, to, TriggerStores.GROUPS, new GroupStateSerde());
        restore(from, to, TriggerStores.DUE, Serdes.String().deserializer());
    }

    private static <V> void restore(TriggerTestDriver from, TriggerTestDriver to, String store, Deserializer<V> values) {
        String changelog = APPLICATION_ID + "-" + store + "-changelog";
        List<TestRecord<String, byte[]>> records = from.driver.createOutputTopic(changelog, Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer()).readRecordsToList();
        assertThat(records).as(changelog).isNotEmpty();
        KeyValueStore<String, V> target = to.store(store);
        for (TestRecord<String, byte[]> r : records) {
            if (r.value() == null) {
                target.delete(r.key());
            } else {
                target.put(r.key(), values.deserialize(changelog, r.value()));
            }
        }
    }
}
