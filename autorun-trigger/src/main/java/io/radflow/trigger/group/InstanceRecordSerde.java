package io.radflow.trigger.group;

import io.radflow.trigger.codec.StateInput;
import io.radflow.trigger.codec.StateOutput;
import io.radflow.trigger.codec.StateSerde;
import java.io.IOException;

/**
 * Format of one {@link InstanceRecord} in the per-instance store ({@code trigger-instances}) that
 * {@link StudyIndex}'s chunks replaced; kept so that format stays readable and tested (a tool reading an
 * old changelog), not used by the topology.
 */
public final class InstanceRecordSerde extends StateSerde<InstanceRecord> {

    public InstanceRecordSerde() {
        super("instance", 2);
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
        out.nullableString(r.sopClassUid());
        out.nullableString(r.modality());
        out.nullableBool(r.hasPixelData());
        out.nullableString(r.bodyPartExamined());
        out.nullableString(r.seriesDescription());
    }

    @Override
    protected InstanceRecord read(StateInput in, int formatVersion) throws IOException {
        if (!in.bool()) {
            return InstanceRecord.SEEN;
        }
        String datasetId = in.string();
        String seriesUid = in.string();
        String sopUid = in.string();
        Integer instanceNumber = in.nullableInt();
        int frames = in.integer();
        String uri = in.string();
        String contentType = in.string();
        long size = in.longValue();
        String sha256 = in.nullableString();
        long uploadedAt = in.longValue();
        if (formatVersion < 2) {
            // written before the trigger kept what an instance is: unknown, so an image as it was then
            return new InstanceRecord(true, datasetId, seriesUid, sopUid, instanceNumber, frames, uri, contentType, size, sha256,
                    uploadedAt, null, null, null, null, null);
        }
        return new InstanceRecord(true, datasetId, seriesUid, sopUid, instanceNumber, frames, uri, contentType, size, sha256,
                uploadedAt, in.nullableString(), in.nullableString(), in.nullableBool(), in.nullableString(), in.nullableString());
    }
}
