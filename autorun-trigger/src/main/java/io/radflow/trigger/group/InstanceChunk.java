package io.radflow.trigger.group;

import io.radflow.trigger.codec.StateInput;
import io.radflow.trigger.codec.StateOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A run of one study's instances as stored: entries appended in arrival order and kept encoded, so
 * storing the chunk after an append copies its bytes instead of encoding every entry again. A
 * study's instances fill chunks of at most {@link #MAX_BYTES} (one entry may exceed it alone), which
 * bounds both what one upload copies and the size of one changelog record, however large the study.
 * Mutable: only the tail chunk of a study grows, in {@link StudyIndex}.
 */
public final class InstanceChunk {

    /**
     * Most encoded bytes of entries per chunk before a new one starts: each upload of a study copies its
     * tail chunk once into the record cache, so smaller is cheaper per upload; larger means fewer
     * changelog records per commit for a study uploaded faster than 4 KB of entries (20 to 50 instances)
     * per commit interval.
     */
    static final int MAX_BYTES = 4 * 1024;

    private byte[] bytes;
    private int length;
    private int count;

    InstanceChunk() {
        this.bytes = new byte[256];
    }

    /** A chunk as read from the store: {@code count} entries in {@code bytes}. */
    InstanceChunk(byte[] bytes, int count) {
        this.bytes = bytes;
        this.length = bytes.length;
        this.count = count;
    }

    public int count() {
        return count;
    }

    int length() {
        return length;
    }

    byte[] bytes() {
        return bytes;
    }

    /** True when an entry of {@code entryLength} bytes belongs in this chunk rather than a new one. */
    boolean fits(int entryLength) {
        return count == 0 || length + entryLength <= MAX_BYTES;
    }

    void append(byte[] entry) {
        if (length + entry.length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + entry.length));
        }
        System.arraycopy(entry, 0, bytes, length, entry.length);
        length += entry.length;
        count++;
    }

    /** The chunk's instances, in the order they arrived. */
    public List<InstanceRecord> records() {
        List<InstanceRecord> records = new ArrayList<>(count);
        try {
            StateInput in = new StateInput(new DataInputStream(new ByteArrayInputStream(bytes, 0, length)));
            for (int i = 0; i < count; i++) {
                records.add(readEntry(in));
            }
        } catch (IOException e) {
            throw new SerializationException("cannot read instance chunk: " + e, e);
        }
        return records;
    }

    /**
     * One instance's entry: its series and SOP instance UIDs (all that deduplication needs) and, for an
     * instance a series or study job may list, its details.
     */
    static byte[] encode(InstanceRecord r) {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(r.full() ? 256 : 96);
            DataOutputStream data = new DataOutputStream(buffer);
            StateOutput out = new StateOutput(data);
            out.string(r.seriesUid());
            out.string(r.sopUid());
            out.bool(r.full());
            if (r.full()) {
                out.string(r.datasetId());
                out.nullableInt(r.instanceNumber());
                out.integer(r.numberOfFrames());
                out.string(r.contentUri());
                out.string(r.contentType());
                out.longValue(r.sizeBytes());
                out.nullableString(r.sha256());
                out.longValue(r.uploadedAt());
                out.nullableString(r.sopClassUid());
                out.nullableString(r.modality());
                out.nullableBool(r.hasPixelData());
                out.nullableString(r.bodyPartExamined());
                out.nullableString(r.seriesDescription());
            }
            data.flush();
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InstanceRecord readEntry(StateInput in) throws IOException {
        String seriesUid = in.string();
        String sopUid = in.string();
        if (!in.bool()) {
            return InstanceRecord.seen(seriesUid, sopUid);
        }
        return new InstanceRecord(true, in.string(), seriesUid, sopUid, in.nullableInt(), in.integer(), in.string(), in.string(),
                in.longValue(), in.nullableString(), in.longValue(), in.nullableString(), in.nullableString(), in.nullableBool(),
                in.nullableString(), in.nullableString());
    }
}
