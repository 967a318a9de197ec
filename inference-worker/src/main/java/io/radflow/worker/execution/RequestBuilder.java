package io.radflow.worker.execution;

import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobInstance;
import io.radflow.schemas.avro.ModelVersion;
import io.radflow.worker.preprocess.DicomImages;
import io.radflow.worker.runtime.ImageGeometry;
import io.radflow.worker.runtime.ModelFile;
import io.radflow.worker.runtime.ModelRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a job's model input in MD.ai's shape: fetches every instance by URI, reads its DICOM
 * header (a file that does not parse fails here, before any runtime sees it), and merges the
 * version's default args with the job's.
 */
final class RequestBuilder {

    private final ContentFetcher fetcher;
    private final DicomImages dicom;

    RequestBuilder(ContentFetcher fetcher, DicomImages dicom) {
        this.fetcher = fetcher;
        this.dicom = dicom;
    }

    ModelRequest build(InferenceJob job, ModelVersion version) {
        List<ModelFile> files = new ArrayList<>();
        for (JobInstance i : job.getInstances()) {
            byte[] bytes = fetcher.fetch(i.getContent());
            ImageGeometry geometry = dicom.geometry(bytes);
            files.add(new ModelFile(i.getStudyInstanceUid(), i.getSeriesInstanceUid(), i.getSopInstanceUid(),
                    i.getContent().getContentType(), bytes, geometry));
        }
        Map<String, String> args = new HashMap<>(version.getDefaultArgs());
        args.putAll(job.getArgs());
        return new ModelRequest(job.getJobId(), files, List.of(), version.getLabelClasses(), args);
    }
}
