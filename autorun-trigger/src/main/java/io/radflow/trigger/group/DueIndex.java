package io.radflow.trigger.group;

import io.radflow.trigger.StoreKeys;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Groups ordered by the wall-clock time they are next due, so a punctuation reads only what is due
 * instead of every group in the store. Keys are {@code <kind><time, 19 digits>\0<group key>}: zero
 * padding makes string order time order. Each group has at most one entry.
 */
public final class DueIndex {

    /** Why a group is due. */
    public enum Kind {
        /** A pending group's quiet period ends. */
        QUIET('q'),
        /** A study's retention period ends. */
        EXPIRY('x');

        final char tag;

        Kind(char tag) {
            this.tag = tag;
        }
    }

    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, String> store;

    public DueIndex(KeyValueStore<String, String> store) {
        this.store = store;
    }

    public static String key(Kind kind, long at, String groupKey) {
        return new StringBuilder(21 + groupKey.length()).append(kind.tag).append(padded(at)).append(StoreKeys.SEPARATOR)
                .append(groupKey).toString();
    }

    private static String padded(long at) {
        String digits = Long.toString(Math.max(0, at));
        return "0".repeat(19 - digits.length()) + digits;
    }

    public static Kind kindOf(String dueKey) {
        return dueKey.charAt(0) == Kind.QUIET.tag ? Kind.QUIET : Kind.EXPIRY;
    }

    public void put(String dueKey, String groupKey) {
        store.put(dueKey, groupKey);
    }

    public void remove(String dueKey) {
        store.delete(dueKey);
    }

    /** Up to {@code limit} entries of this kind due at or before {@code now}, earliest first: (due key, group key). */
    public List<KeyValue<String, String>> due(Kind kind, long now, int limit) {
        List<KeyValue<String, String>> due = new ArrayList<>();
        // Every key due at or before now sorts below "<kind><now + 1>".
        try (KeyValueIterator<String, String> it = store.range(kind.tag + padded(0), kind.tag + padded(now + 1))) {
            while (it.hasNext() && due.size() < limit) {
                due.add(it.next());
            }
        }
        return due;
    }

    public long count(Kind kind) {
        long n = 0;
        try (KeyValueIterator<String, String> it = store.prefixScan(String.valueOf(kind.tag), KEYS)) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
