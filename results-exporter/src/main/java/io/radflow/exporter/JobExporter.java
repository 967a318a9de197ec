package io.radflow.exporter;

import io.radflow.common.error.Reason;
import io.radflow.content.ContentReader;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.JobStatus;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.schemas.avro.OutputType;
import io.radflow.schemas.avro.Prediction;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns one finished job into the DICOM objects to store: fetches the source instances its
 * predictions name, builds the SEG from its masks and the SR from its other findings, and takes
 * the model's own DICOM outputs as they are.
 */
final class JobExporter {

    private final ContentReader reader;
    private final long maxBytes;
    private final SegmentationBuilder segmentations = new SegmentationBuilder();
    private final MeasurementReportBuilder reports = new MeasurementReportBuilder();

    JobExporter(ContentReader reader, long maxBytes) {
        this.reader = reader;
        this.maxBytes = maxBytes;
    }

    List<ExportObject> objects(InferenceJob job, ModelSettings model, ModelVersion version, JobStatus status,
            Collection<Prediction> predictions) {
        Set<String> named = predictions.stream().filter(p -> p.getType() == OutputType.ANNOTATION)
                .map(Prediction::getSopInstanceUid).filter(s -> s != null).collect(Collectors.toSet());
        Map<String, SourceImage> sources = new LinkedHashMap<>();
        for (JobInstance instance : job.getInstances()) {
            boolean firstForPatient = sources.isEmpty() && named.isEmpty();
            if (named.contains(instance.getSopInstanceUid()) || firstForPatient) {
                sources.put(instance.getSopInstanceUid(), SourceImage.read(reader.read(URI.create(instance.getContent().getUri()), maxBytes)));
            }
        }
        Instant completed = status.getFinishedAt() != null ? status.getFinishedAt() : status.getUpdatedAt();
        ExportJob exportJob = new ExportJob(job.getJobId(), job.getProjectId(), model.getModelId(), model.getName(),
                version.getVersion(), job.getStudyInstanceUid(), version.getLabelClasses(), List.copyOf(predictions), sources, completed);
        List<ExportObject> objects = new ArrayList<>();
        segmentations.build(exportJob).ifPresent(objects::add);
        reports.build(exportJob).ifPresent(objects::add);
        for (Prediction p : predictions) {
            if (p.getType() == OutputType.DICOM) {
                objects.add(modelOutput(p));
            }
        }
        return objects;
    }

    /** A model's own DICOM output, stored byte for byte. */
    private ExportObject modelOutput(Prediction p) {
        if (p.getDicomContent() == null) {
            throw new ExportException(Reason.EXPORT_INVALID_RESULT, "DICOM output " + p.getPredictionId() + " names no content");
        }
        byte[] bytes = reader.read(URI.create(p.getDicomContent().getUri()), maxBytes);
        SourceImage header;
        try {
            header = SourceImage.read(bytes);
        } catch (ExportException e) {
            throw new ExportException(Reason.EXPORT_INVALID_RESULT, "DICOM output " + p.getPredictionId() + " at "
                    + p.getDicomContent().getUri() + " is not a DICOM object: " + e.getMessage(), e);
        }
        return new ExportObject("DICOM", header.sopClassUid(), header.sopInstanceUid(), header.seriesInstanceUid(),
                header.studyInstanceUid(), bytes);
    }
}
