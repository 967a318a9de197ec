package io.radflow.trigger.group;

import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.JobInstance;
import java.time.Instant;

/**
 * One uploaded instance as the trigger keeps it until its study expires. When no series or study
 * job will ever need it (no model waits for its groups), only the fact that it was seen is kept
 * ({@code full} false, details null), which is all duplicate detection needs.
 */
public record InstanceRecord(boolean full, String datasetId, String seriesUid, String sopUid, Integer instanceNumber,
                             int numberOfFrames, String contentUri, String contentType, long sizeBytes, String sha256,
                             long uploadedAt) {

    /** Stands for every instance kept only as seen. */
    public static final InstanceRecord SEEN = new InstanceRecord(false, null, null, null, null, 0, null, null, 0, null, 0);

    public static InstanceRecord of(DatasetUploadEvent event, DataUploaded data) {
        ContentRef c = data.getContent();
        return new InstanceRecord(true, event.getDatasetId(), data.getSeriesInstanceUid(), data.getSopInstanceUid(),
                data.getInstanceNumber(), data.getNumberOfFrames(), c.getUri(), c.getContentType(), c.getSizeBytes(),
                c.getSha256(), event.getPublishedAt().toEpochMilli());
    }

    public JobInstance toJobInstance(String studyUid) {
        return JobInstance.newBuilder().setStudyInstanceUid(studyUid).setSeriesInstanceUid(seriesUid).setSopInstanceUid(sopUid)
                .setInstanceNumber(instanceNumber).setNumberOfFrames(numberOfFrames)
                .setContent(ContentRef.newBuilder().setUri(contentUri).setContentType(contentType).setSizeBytes(sizeBytes)
                        .setSha256(sha256).build())
                .setUploadedAt(Instant.ofEpochMilli(uploadedAt))
                .build();
    }
}
