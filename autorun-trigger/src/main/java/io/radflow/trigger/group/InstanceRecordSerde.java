package io.radflow.trigger.group;

import io.radflow.trigger.codec.StateInput;
import io.radflow.trigger.codec.StateOutput;
import io.radflow.trigger.codec.StateSerde;
import java.io.IOException;

/** Store format of {@link InstanceRecord}. */
public final class InstanceRecordSerde extends StateSerde<InstanceRecord> {

    public InstanceRecordSerde() {
        super("instance", 1);
    }

    @Override
    protected void write(StateOutput out, InstanceRecord r) throws IOException {
        out.bool(r.full());
        if (!r.full()) {
            return;
        }
        out.string(r.datasetId());
        out.string(r.seriesUid());
        out.string(r.sopUid());
        out.nullableInt(r.instanceNumber());
        out.integer(r.numberOfFrames());
        out.string(r.contentUri());
        out.string(r.contentType());
        out.longValue(r.sizeBytes());
        out.nullableString(r.sha256());
        out.longValue(r.uploadedAt());
    }

    @Override
    protected InstanceRecord read(StateInput in, int formatVersion) throws IOException {
        if (!in.bool()) {
            return InstanceRecord.SEEN;
        }
        return new InstanceRecord(true, in.string(), in.string(), in.string(), in.nullableInt(), in.integer(), in.string(),
                in.string(), in.longValue(), in.nullableString(), in.longValue());
    }
}
