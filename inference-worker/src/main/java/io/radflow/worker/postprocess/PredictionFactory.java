package io.radflow.worker.postprocess;

import io.radflow.content.ContentStore;
import io.radflow.content.StoredContent;
import io.radflow.schemas.avro.BoundingBox;
import io.radflow.schemas.avro.ClassProbability;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.Explanation;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.Mask;
import io.radflow.schemas.avro.Point;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.Provenance;
import io.radflow.schemas.avro.Vertices;
import io.radflow.worker.runtime.ModelOutput;
import io.radflow.worker.runtime.OutputData;
import io.radflow.worker.runtime.OutputData.BoxData;
import io.radflow.worker.runtime.OutputData.MaskData;
import io.radflow.worker.runtime.OutputData.PointData;
import io.radflow.worker.runtime.OutputData.VerticesData;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns validated model outputs into {@code Prediction} events. The prediction id is the job id
 * plus the output's index, so a job run again after a crash yields the same ids. Derived DICOM
 * objects (type DICOM) are stored in the content store and referenced by claim check.
 */
public final class PredictionFactory {

    private final ContentStore derivedStore;

    public PredictionFactory(ContentStore derivedStore) {
        this.derivedStore = derivedStore;
    }

    public List<Prediction> predictions(InferenceJob job, List<LabelClass> labels, List<ModelOutput> outputs, Provenance provenance) {
        List<Prediction> out = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            ModelOutput o = outputs.get(i);
            String labelId = o.classIndex() == null ? null : labels.stream()
                    .filter(l -> l.getClassIndex() == o.classIndex()).map(LabelClass::getLabelId).findFirst().orElse(null);
            Object probability = o.probability() != null ? o.probability()
                    : o.classProbabilities() == null ? null
                    : o.classProbabilities().stream().map(s -> new ClassProbability(s.classIndex(), s.probability())).toList();
            out.add(Prediction.newBuilder()
                    .setPredictionId(job.getJobId() + ":" + i).setJobId(job.getJobId()).setProjectId(job.getProjectId())
                    .setDatasetId(job.getDatasetId()).setModelId(job.getModelId()).setModelVersion(job.getModelVersion())
                    .setOutputIndex(i).setType(o.type()).setStudyInstanceUid(o.studyUid()).setSeriesInstanceUid(o.seriesUid())
                    .setSopInstanceUid(o.instanceUid()).setFrameNumber(o.frameNumber()).setClassIndex(o.classIndex())
                    .setLabelId(labelId).setData(data(o.data())).setProbability(probability).setNote(o.note())
                    .setExplanations(o.explanations().stream().map(e -> new Explanation(e.name(), e.description(),
                            ByteBuffer.wrap(e.content()), e.contentType())).toList())
                    .setDicomContent(o.dicom() == null ? null : store(o.dicom()))
                    .setProvenance(provenance)
                    .build());
        }
        return out;
    }

    private ContentRef store(byte[] dicom) {
        StoredContent stored = derivedStore.put(new ByteArrayInputStream(dicom));
        return ContentRef.newBuilder().setUri(stored.uri().toString()).setContentType("application/dicom")
                .setSizeBytes(stored.sizeBytes()).setSha256(stored.sha256()).build();
    }

    private static Object data(OutputData d) {
        if (d == null) {
            return null;
        }
        if (d instanceof MaskData m) {
            return new Mask(m.rows(), m.columns(), ByteBuffer.wrap(m.pixels()));
        }
        if (d instanceof BoxData b) {
            return new BoundingBox(b.x(), b.y(), b.width(), b.height());
        }
        if (d instanceof VerticesData v) {
            return new Vertices(v.vertices().stream().map(p -> new Point(p.x(), p.y())).toList());
        }
        PointData p = (PointData) d;
        return new Point(p.x(), p.y());
    }
}
