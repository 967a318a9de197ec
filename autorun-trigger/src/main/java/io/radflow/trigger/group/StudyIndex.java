package io.radflow.trigger.group;

import io.radflow.trigger.StoreKeys;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The instances of each study, as the trigger keeps them: in the store, chunks of entries under
 * {@code project \0 study \0 <chunk number>} (see {@link InstanceChunk}); in memory, for the studies
 * touched lately, the set of instances seen and the chunk being filled. An upload of a study held in
 * memory reads no state to tell a new instance from a duplicate, and writes only its study's tail
 * chunk, through the store's record cache: a burst of one study's uploads becomes one changelog
 * record per commit instead of one per instance.
 *
 * <p>The memory is a cache of the store, never ahead of it (every append is written through at once),
 * so a study dropped from it, or all of it after a task is revived or moves, is read back with one
 * prefix scan on its next upload. It holds at most about {@code maxInstances} instances; a study larger
 * than that is held alone.
 */
public final class StudyIndex {

    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, InstanceChunk> store;
    private final int maxInstances;
    private final Map<String, Study> studies = new LinkedHashMap<>(256, 0.75f, true);
    private long held;
    /** The study of the last upload: uploads come in bursts per study, and this skips building and hashing its key. */
    private Study last;

    /** One study as held in memory. */
    public static final class Study {
        private final String project;
        private final String studyUid;
        private final Set<String> seen = new HashSet<>();
        private int tailNumber = -1;
        private InstanceChunk tail;
        private String tailKey;

        private Study(String project, String studyUid) {
            this.project = project;
            this.studyUid = studyUid;
        }

        /** True when the study has the instance already (a duplicate upload). */
        public boolean contains(String seriesUid, String sopUid) {
            return contains(uidKey(seriesUid, sopUid));
        }

        /** @param uid the instance's {@link #uidKey} */
        public boolean contains(String uid) {
            return seen.contains(uid);
        }

        public int size() {
            return seen.size();
        }
    }

    public StudyIndex(KeyValueStore<String, InstanceChunk> store, int maxInstances) {
        this.store = store;
        this.maxInstances = maxInstances;
    }

    /** The study, read from the store (one prefix scan) unless held in memory. */
    public Study get(String project, String studyUid) {
        if (last != null && last.studyUid.equals(studyUid) && last.project.equals(project)) {
            return last;
        }
        String key = StoreKeys.prefix(project, studyUid);
        Study study = studies.get(key);
        if (study == null) {
            study = load(project, studyUid);
            studies.put(key, study);
            held += study.size();
            trim();
        }
        last = study;
        return study;
    }

    /** Adds a new instance (not {@link Study#contains contained}) and stores the study's tail chunk. */
    public void add(Study study, InstanceRecord instance) {
        add(study, uidKey(instance.seriesUid(), instance.sopUid()), instance);
    }

    /** @param uid the instance's {@link #uidKey}, when the caller has it already */
    public void add(Study study, String uid, InstanceRecord instance) {
        byte[] entry = InstanceChunk.encode(instance);
        if (study.tail == null || !study.tail.fits(entry.length)) {
            study.tail = new InstanceChunk();
            study.tailNumber++;
            study.tailKey = null;
        }
        if (study.tailKey == null) {
            study.tailKey = chunkKey(study.project, study.studyUid, study.tailNumber);
        }
        study.tail.append(entry);
        study.seen.add(uid);
        store.put(study.tailKey, study.tail);
        held++;
        trim();
    }

    /** Every instance of the study (or of one of its series) kept with its details, read from the store. */
    public List<InstanceRecord> members(String project, String studyUid, String seriesUidOrNull) {
        List<InstanceRecord> members = new ArrayList<>();
        try (KeyValueIterator<String, InstanceChunk> it = store.prefixScan(StoreKeys.prefix(project, studyUid), KEYS)) {
            while (it.hasNext()) {
                for (InstanceRecord r : it.next().value.records()) {
                    if (seriesUidOrNull == null || seriesUidOrNull.equals(r.seriesUid())) {
                        members.add(r);
                    }
                }
            }
        }
        return members;
    }

    /** Forgets the study, in memory and in the store; returns how many instances it had. */
    public int remove(String project, String studyUid) {
        last = null;
        Study study = studies.remove(StoreKeys.prefix(project, studyUid));
        if (study != null) {
            held -= study.size();
        }
        List<String> keys = new ArrayList<>();
        int instances = 0;
        try (KeyValueIterator<String, InstanceChunk> it = store.prefixScan(StoreKeys.prefix(project, studyUid), KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, InstanceChunk> kv = it.next();
                keys.add(kv.key);
                instances += kv.value.count();
            }
        }
        keys.forEach(store::delete);
        return instances;
    }

    /** Forgets what memory holds (the store is the truth), e.g. when the store went back to the last commit. */
    public void clear() {
        last = null;
        studies.clear();
        held = 0;
    }

    /** Studies held in memory; for tests. */
    int studiesHeld() {
        return studies.size();
    }

    private Study load(String project, String studyUid) {
        Study study = new Study(project, studyUid);
        // Chunk numbers are zero-padded, so the last chunk scanned is the tail.
        try (KeyValueIterator<String, InstanceChunk> it = store.prefixScan(StoreKeys.prefix(project, studyUid), KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, InstanceChunk> kv = it.next();
                for (InstanceRecord r : kv.value.records()) {
                    study.seen.add(uidKey(r.seriesUid(), r.sopUid()));
                }
                study.tail = kv.value;
                study.tailNumber = chunkNumber(kv.key);
            }
        }
        return study;
    }

    /** Drops the least recently used studies while memory holds too many instances; the one in use stays. */
    private void trim() {
        Iterator<Study> it = studies.values().iterator();
        while (held > maxInstances && studies.size() > 1) {
            Study dropped = it.next();
            held -= dropped.size();
            it.remove();
            if (dropped == last) {
                last = null;
            }
        }
    }

    static String chunkKey(String project, String studyUid, int number) {
        String digits = Integer.toString(number);
        return StoreKeys.join(project, studyUid, "0".repeat(Math.max(0, 9 - digits.length())) + digits);
    }

    private static int chunkNumber(String chunkKey) {
        return Integer.parseInt(chunkKey.substring(chunkKey.lastIndexOf(StoreKeys.SEPARATOR) + 1));
    }

    /** How a study knows an instance: its series and SOP instance UIDs. */
    public static String uidKey(String seriesUid, String sopUid) {
        return seriesUid + StoreKeys.SEPARATOR + sopUid;
    }
}
