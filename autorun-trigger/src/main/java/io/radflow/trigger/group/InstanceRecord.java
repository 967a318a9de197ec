package io.radflow.trigger.group;

import io.radflow.dicom.SopClasses;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.routing.InstanceRouting.InstanceFacts;
import java.time.Instant;

/**
 * One uploaded instance as the trigger keeps it until its study expires: where to fetch it, and
 * what it is (SOP class, modality, pixel data, body part, series description), which decides the
 * versions that take it. When no series or study job will ever need it (no model waits for its
 * groups), only the fact that it was seen is kept ({@code full} false, details null), which is all
 * duplicate detection needs.
 *
 * @param hasPixelData null when the publisher did not say
 */
public record InstanceRecord(boolean full, String datasetId, String seriesUid, String sopUid, Integer instanceNumber,
                             int numberOfFrames, String contentUri, String contentType, long sizeBytes, String sha256,
                             long uploadedAt, String sopClassUid, String modality, Boolean hasPixelData,
                             String bodyPartExamined, String seriesDescription) {

    /** Longest attribute text kept; DICOM allows 64 characters, events may carry anything. */
    static final int MAX_ATTRIBUTE_LENGTH = 1024;

    /** Stands for every instance kept only as seen, where the UIDs are known from elsewhere (a store key). */
    public static final InstanceRecord SEEN = new InstanceRecord(false, null, null, null, null, 0, null, null, 0, null, 0,
            null, null, null, null, null);

    /** An instance kept only as seen: its UIDs, which is all duplicate detection needs. */
    public static InstanceRecord seen(String seriesUid, String sopUid) {
        return new InstanceRecord(false, null, seriesUid, sopUid, null, 0, null, null, 0, null, 0, null, null, null, null, null);
    }

    public static InstanceRecord of(DatasetUploadEvent event, DataUploaded data) {
        ContentRef c = data.getContent();
        return new InstanceRecord(true, event.getDatasetId(), data.getSeriesInstanceUid(), data.getSopInstanceUid(),
                data.getInstanceNumber(), data.getNumberOfFrames(), c.getUri(), c.getContentType(), c.getSizeBytes(),
                c.getSha256(), event.getPublishedAt().toEpochMilli(), bounded(data.getSopClassUid()), bounded(data.getModality()),
                data.getHasPixelData(), bounded(data.getBodyPartExamined()), bounded(data.getSeriesDescription()));
    }

    /** What routing rules look at; whether it is an image at all is {@link SopClasses#isImage}'s call. */
    public InstanceFacts facts() {
        return new InstanceFacts(SopClasses.isImage(sopClassUid, hasPixelData), sopClassUid, modality, bodyPartExamined,
                seriesDescription);
    }

    public JobInstance toJobInstance(String studyUid) {
        return JobInstance.newBuilder().setStudyInstanceUid(studyUid).setSeriesInstanceUid(seriesUid).setSopInstanceUid(sopUid)
                .setInstanceNumber(instanceNumber).setNumberOfFrames(numberOfFrames)
                .setContent(ContentRef.newBuilder().setUri(contentUri).setContentType(contentType).setSizeBytes(sizeBytes)
                        .setSha256(sha256).build())
                .setUploadedAt(Instant.ofEpochMilli(uploadedAt))
                .build();
    }

    private static String bounded(String s) {
        return s == null || s.length() <= MAX_ATTRIBUTE_LENGTH ? s : s.substring(0, MAX_ATTRIBUTE_LENGTH);
    }
}
