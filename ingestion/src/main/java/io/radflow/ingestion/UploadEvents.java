package io.radflow.ingestion;

import io.radflow.schemas.avro.CompletionLevel;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.DataUploaded;
import io.radflow.schemas.avro.DatasetUploadEvent;
import io.radflow.schemas.avro.UploadCompleted;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Builds the {@code dataset-uploads} events of one source for one project and dataset: an
 * instance arrived, or a series or study is complete. Ids are deterministic ({@link EventIds})
 * from the source, project, dataset and what the event is about.
 */
public final class UploadEvents {

    private final String source;
    private final String projectId;
    private final String datasetId;
    private final Clock clock;

    public UploadEvents(String source, String projectId, String datasetId, Clock clock) {
        this.source = source;
        this.projectId = projectId;
        this.datasetId = datasetId;
        this.clock = clock;
    }

    public String source() {
        return source;
    }

    /**
     * One instance available at {@code content}; {@code identity} says which copy (the content hash
     * for files, Orthanc's instance id for the bridge), so the same copy keeps its id.
     */
    public DatasetUploadEvent instance(InstanceInfo info, ContentRef content, String identity) {
        DataUploaded payload = DataUploaded.newBuilder()
                .setSeriesInstanceUid(info.seriesInstanceUid())
                .setSopInstanceUid(info.sopInstanceUid())
                .setSopClassUid(info.sopClassUid())
                .setModality(info.modality())
                .setInstanceNumber(info.instanceNumber())
                .setNumberOfFrames(info.numberOfFrames())
                .setImagesInAcquisition(info.imagesInAcquisition())
                .setHasPixelData(info.hasPixelData())
                .setBodyPartExamined(info.bodyPartExamined())
                .setSeriesDescription(info.seriesDescription())
                .setContent(content)
                .build();
        return event(EventIds.of(source, projectId, datasetId, "instance", info.sopInstanceUid(), identity),
                info.studyInstanceUid(), payload);
    }

    /** Every instance of a series has been published: {@code count} of them. */
    public DatasetUploadEvent seriesCompleted(String studyUid, String seriesUid, int count) {
        UploadCompleted payload = UploadCompleted.newBuilder().setLevel(CompletionLevel.SERIES)
                .setSeriesInstanceUid(seriesUid).setInstanceCount(count).build();
        return event(EventIds.of(source, projectId, datasetId, "series-completed", studyUid, seriesUid, Integer.toString(count)),
                studyUid, payload);
    }

    /** Every instance of a study has been published: {@code count} of them. */
    public DatasetUploadEvent studyCompleted(String studyUid, int count) {
        UploadCompleted payload = UploadCompleted.newBuilder().setLevel(CompletionLevel.STUDY).setInstanceCount(count).build();
        return event(EventIds.of(source, projectId, datasetId, "study-completed", studyUid, Integer.toString(count)),
                studyUid, payload);
    }

    private DatasetUploadEvent event(String id, String studyUid, Object payload) {
        return DatasetUploadEvent.newBuilder()
                .setEventId(id)
                .setProjectId(projectId)
                .setDatasetId(datasetId)
                .setStudyInstanceUid(studyUid)
                .setSource(source)
                // Avro keeps milliseconds; truncating keeps round trips equal
                .setPublishedAt(Instant.now(clock).truncatedTo(ChronoUnit.MILLIS))
                .setPayload(payload)
                .build();
    }
}
