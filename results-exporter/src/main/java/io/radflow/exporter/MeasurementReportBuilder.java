package io.radflow.exporter;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.ContentItem;
import com.pixelmed.dicom.ContentItemFactory;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.StructuredReport;
import com.pixelmed.dicom.TagFromName;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.BoundingBox;
import io.radflow.schemas.avro.ClassProbability;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.Mask;
import io.radflow.schemas.avro.OutputType;
import io.radflow.schemas.avro.Point;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.Vertices;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A job's classifications, boxes, polygons, lines, points and probabilities as one Comprehensive
 * SR following TID 1500 (Imaging Measurement Report): the model is the observer device; each
 * annotation is a measurement group with its finding code, a spatial coordinate (SCOORD, pixel
 * coordinates of the frame, 0\0 at the top left corner of the top left pixel) selected from its
 * source image, and its probability as a numeric value. Masks go into the SEG instead.
 */
public final class MeasurementReportBuilder {

    static final String KIND = "SR";
    static final CodedSequenceItem PROBABILITY = DicomObjects.code("probability", ExportJob.PRIVATE_SCHEME, "Probability");
    static final CodedSequenceItem NO_UNITS = DicomObjects.code("1", "UCUM", "no units");

    public Optional<ExportObject> build(ExportJob job) {
        List<Prediction> findings = job.predictions().stream()
                .filter(p -> p.getType() == OutputType.ANNOTATION && !(p.getData() instanceof Mask)).toList();
        if (findings.isEmpty()) {
            return Optional.empty();
        }
        Map<String, SourceImage> referenced = new LinkedHashMap<>();
        for (Prediction p : findings) {
            if (p.getSopInstanceUid() != null) {
                SourceImage s = job.source(p);
                referenced.put(s.sopInstanceUid(), s);
            }
        }
        SourceImage patientSource = referenced.isEmpty() ? job.sources().values().stream().findFirst().orElseThrow(
                () -> new ExportException(Reason.EXPORT_INVALID_RESULT, "job " + job.jobId() + " has no source instance to take the patient from"))
                : referenced.values().iterator().next();
        try {
            AttributeList sr = new StructuredReport(content(job, findings, referenced)).getAttributeList();
            sr.putAll(DicomObjects.base(job, patientSource, SOPClass.ComprehensiveSRStorage, KIND, "SR", DicomObjects.seriesNumber(job, 2)));
            DicomObjects.put(sr, TagFromName.CompletionFlag, "COMPLETE");
            DicomObjects.put(sr, TagFromName.VerificationFlag, "UNVERIFIED");
            DicomObjects.sequence(sr, TagFromName.PerformedProcedureCodeSequence, List.of());
            DicomObjects.sequence(sr, TagFromName.ReferencedPerformedProcedureStepSequence, List.of());
            if (!referenced.isEmpty()) {
                AttributeList study = new AttributeList();
                DicomObjects.put(study, TagFromName.StudyInstanceUID, job.studyInstanceUid());
                DicomObjects.sequence(study, TagFromName.ReferencedSeriesSequence,
                        DicomObjects.referencedSeries(referenced.values(), TagFromName.ReferencedSOPSequence));
                DicomObjects.sequence(sr, TagFromName.CurrentRequestedProcedureEvidenceSequence, study);
            }
            return Optional.of(new ExportObject(KIND, SOPClass.ComprehensiveSRStorage,
                    DicomObjects.string(sr, TagFromName.SOPInstanceUID), DicomObjects.string(sr, TagFromName.SeriesInstanceUID),
                    job.studyInstanceUid(), DicomObjects.part10(sr)));
        } catch (DicomException e) {
            throw new ExportException(Reason.INTERNAL, "cannot build the report of job " + job.jobId() + ": " + e.getMessage(), e);
        }
    }

    private ContentItem content(ExportJob job, List<Prediction> findings, Map<String, SourceImage> referenced) throws DicomException {
        ContentItemFactory f = new ContentItemFactory();
        ContentItem root = f.makeContainerContentItem(null, null, DicomObjects.code("126000", "DCM", "Imaging Measurement Report"),
                true, "DCMR", "1500");
        f.makeCodeContentItem(root, "HAS CONCEPT MOD", DicomObjects.code("121049", "DCM", "Language of Content Item and Descendants"),
                DicomObjects.code("en-US", "RFC5646", "English (United States)"));
        f.makeCodeContentItem(root, "HAS OBS CONTEXT", DicomObjects.code("121005", "DCM", "Observer Type"),
                DicomObjects.code("121007", "DCM", "Device"));
        f.makeUIDContentItem(root, "HAS OBS CONTEXT", DicomObjects.code("121012", "DCM", "Device Observer UID"),
                ExportUids.of("device", job.modelId(), Integer.toString(job.modelVersion())));
        f.makeTextContentItem(root, "HAS OBS CONTEXT", DicomObjects.code("121013", "DCM", "Device Observer Name"), job.modelName());
        f.makeTextContentItem(root, "HAS OBS CONTEXT", DicomObjects.code("121014", "DCM", "Device Observer Manufacturer"), "Radflow");
        f.makeTextContentItem(root, "HAS OBS CONTEXT", DicomObjects.code("121015", "DCM", "Device Observer Model Name"), job.algorithmName());
        f.makeCodeContentItem(root, "HAS CONCEPT MOD", DicomObjects.code("121058", "DCM", "Procedure reported"),
                DicomObjects.code("363679005", "SCT", "Imaging procedure"));
        if (!referenced.isEmpty()) {
            ContentItem library = f.makeContainerContentItem(root, "CONTAINS", DicomObjects.code("111028", "DCM", "Image Library"), true);
            ContentItem group = f.makeContainerContentItem(library, "CONTAINS", DicomObjects.code("126200", "DCM", "Image Library Group"), true);
            for (SourceImage s : referenced.values()) {
                f.makeImageContentItem(group, "CONTAINS", null, s.sopClassUid(), s.sopInstanceUid(), 0, 0, null, null, null, null);
            }
        }
        ContentItem measurements = f.makeContainerContentItem(root, "CONTAINS", DicomObjects.code("126010", "DCM", "Imaging Measurements"), true);
        for (Prediction p : findings) {
            boolean perClass = p.getProbability() instanceof List<?>;
            if (!perClass || p.getData() != null || p.getClassIndex() != null) {
                group(f, measurements, job, p, p.getClassIndex(), perClass ? null : (Double) p.getProbability(), "", p.getData() != null);
            }
            if (perClass) {
                for (Object o : (List<?>) p.getProbability()) {
                    ClassProbability cp = (ClassProbability) o;
                    group(f, measurements, job, p, cp.getClassIndex(), cp.getProbability(), "/" + cp.getClassIndex(), false);
                }
            }
        }
        return root;
    }

    private void group(ContentItemFactory f, ContentItem parent, ExportJob job, Prediction p, Integer classIndex, Double probability,
            String suffix, boolean planar) throws DicomException {
        String tracking = p.getPredictionId() + suffix;
        ContentItem group = f.makeContainerContentItem(parent, "CONTAINS", DicomObjects.code("125007", "DCM", "Measurement Group"), true,
                "DCMR", planar ? "1410" : "1501");
        f.makeTextContentItem(group, "HAS OBS CONTEXT", DicomObjects.code("112039", "DCM", "Tracking Identifier"), tracking);
        f.makeUIDContentItem(group, "HAS OBS CONTEXT", DicomObjects.code("112040", "DCM", "Tracking Unique Identifier"),
                ExportUids.of("tracking", job.jobId(), tracking));
        f.makeCodeContentItem(group, "CONTAINS", DicomObjects.code("121071", "DCM", "Finding"), finding(job, classIndex));
        SourceImage source = p.getSopInstanceUid() == null ? null : job.source(p);
        int frame = source != null && source.numberOfFrames() > 1 && p.getFrameNumber() != null ? p.getFrameNumber() + 1 : 0;
        if (planar) {
            float[] graphic = graphicData(job, p);
            String type = p.getData() instanceof Point ? "POINT" : "POLYLINE";
            ContentItem region = f.makeSpatialCoordinatesContentItem(group, "CONTAINS", DicomObjects.code("111030", "DCM", "Image Region"),
                    type, graphic);
            if (source == null) {
                throw new ExportException(Reason.EXPORT_INVALID_RESULT, "annotation " + p.getPredictionId()
                        + " has coordinates but names no source instance");
            }
            f.makeImageContentItem(region, "SELECTED FROM", null, source.sopClassUid(), source.sopInstanceUid(), frame, 0,
                    null, null, null, null);
        } else if (source != null) {
            f.makeImageContentItem(group, "CONTAINS", DicomObjects.code("121112", "DCM", "Source of Measurement"),
                    source.sopClassUid(), source.sopInstanceUid(), frame, 0, null, null, null, null);
        }
        if (probability != null) {
            f.makeNumericContentItem(group, "CONTAINS", PROBABILITY, probability, NO_UNITS);
        }
        if (p.getNote() != null && !p.getNote().isBlank()) {
            f.makeTextContentItem(group, "CONTAINS", DicomObjects.code("121106", "DCM", "Comment"), p.getNote());
        }
    }

    /** The label's type code when its settings name one, else the label itself in Radflow's private scheme. */
    static CodedSequenceItem finding(ExportJob job, Integer classIndex) {
        Optional<LabelClass> label = job.label(classIndex);
        if (label.isEmpty()) {
            throw new ExportException(Reason.EXPORT_INVALID_RESULT, "class index " + classIndex + " is no label class of "
                    + job.algorithmName());
        }
        LabelClass l = label.get();
        return l.getDicomType() != null ? DicomObjects.code(l.getDicomType())
                : DicomObjects.code(DicomObjects.clip(l.getLabelId(), 16), ExportJob.PRIVATE_SCHEME, l.getName());
    }

    /** Column\row pairs: a box as a closed polyline of its four corners, a polygon closed, a line open, a point alone. */
    static float[] graphicData(ExportJob job, Prediction p) {
        Object data = p.getData();
        if (data instanceof BoundingBox b) {
            float x0 = (float) b.getX(), y0 = (float) b.getY();
            float x1 = (float) (b.getX() + b.getWidth()), y1 = (float) (b.getY() + b.getHeight());
            return new float[] {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
        }
        if (data instanceof Point pt) {
            return new float[] {(float) pt.getX(), (float) pt.getY()};
        }
        if (data instanceof Vertices v) {
            List<Point> pts = v.getVertices();
            if (pts.size() < 2) {
                throw new ExportException(Reason.EXPORT_INVALID_RESULT, "annotation " + p.getPredictionId() + " has "
                        + pts.size() + " vertex; a polygon or line needs at least 2");
            }
            boolean closed = pts.size() > 2 && isClosedShape(job, p);
            float[] out = new float[(pts.size() + (closed ? 1 : 0)) * 2];
            for (int i = 0; i < pts.size(); i++) {
                out[2 * i] = (float) pts.get(i).getX();
                out[2 * i + 1] = (float) pts.get(i).getY();
            }
            if (closed) {
                out[out.length - 2] = out[0];
                out[out.length - 1] = out[1];
            }
            return out;
        }
        throw new ExportException(Reason.EXPORT_INVALID_RESULT, "annotation " + p.getPredictionId() + " has no coordinates");
    }

    private static boolean isClosedShape(ExportJob job, Prediction p) {
        // A LINE label's vertices stay open; polygons and freeform shapes are closed.
        return job.label(p.getClassIndex()).map(l -> l.getAnnotationMode() != AnnotationMode.LINE).orElse(true);
    }
}
