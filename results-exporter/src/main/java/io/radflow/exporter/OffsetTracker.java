package io.radflow.exporter;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which consumed records are finished. A record is finished when nothing more needs it (not for
 * export, or its job was exported or dead-lettered); the offset committed per partition is the
 * lowest unfinished one, so a restart reads again every record of every unfinished job and
 * nothing exported is lost. Used by the consumer thread only.
 */
final class OffsetTracker {

    private final Map<TopicPartition, TreeSet<Long>> unfinished = new HashMap<>();
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    void consumed(TopicPartition tp, long offset) {
        unfinished.computeIfAbsent(tp, k -> new TreeSet<>()).add(offset);
        next.merge(tp, offset + 1, Math::max);
    }

    void finished(TopicPartition tp, long offset) {
        TreeSet<Long> set = unfinished.get(tp);
        if (set != null) {
            set.remove(offset);
        }
    }

    /** Offsets to commit that move forward since the last {@link #markCommitted}. */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        next.forEach((tp, nextOffset) -> {
            TreeSet<Long> set = unfinished.get(tp);
            long offset = set == null || set.isEmpty() ? nextOffset : set.first();
            if (offset > committed.getOrDefault(tp, -1L)) {
                out.put(tp, new OffsetAndMetadata(offset));
            }
        });
        return out;
    }

    void markCommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
    }

    int unfinishedCount() {
        return unfinished.values().stream().mapToInt(TreeSet::size).sum();
    }

    void clear() {
        unfinished.clear();
        next.clear();
        committed.clear();
    }
}
