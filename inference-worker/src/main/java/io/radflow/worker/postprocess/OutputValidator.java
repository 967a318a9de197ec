package io.radflow.worker.postprocess;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.schemas.avro.OutputType;
import io.radflow.schemas.avro.Scope;
import io.radflow.worker.runtime.ImageGeometry;
import io.radflow.worker.runtime.ModelFile;
import io.radflow.worker.runtime.ModelOutput;
import io.radflow.worker.runtime.ModelOutput.ClassScore;
import io.radflow.worker.runtime.ModelOutput.OutputExplanation;
import io.radflow.worker.runtime.ModelRequest;
import io.radflow.worker.runtime.OutputData;
import io.radflow.worker.runtime.OutputData.BoxData;
import io.radflow.worker.runtime.OutputData.MaskData;
import io.radflow.worker.runtime.OutputData.PointData;
import io.radflow.worker.runtime.OutputData.VerticesData;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a model's outputs before anything is published (DESIGN.md, model contract): the class
 * index is one of the version's label classes; the UIDs the label's scope requires are present
 * and belong to the job; {@code data} matches the label's annotation mode and fits the frame;
 * probabilities are in [0, 1]. The first violation fails the job with {@code INVALID_OUTPUT} and
 * a message naming the output and what is wrong, instead of publishing garbage.
 */
public final class OutputValidator {

    private final Map<Integer, LabelClass> labels = new HashMap<>();
    private final String studyUid;
    private final Set<String> seriesUids = new HashSet<>();
    private final Map<String, ModelFile> files = new HashMap<>();

    /** @param request the job's request: its files are the instances the outputs may name */
    public OutputValidator(ModelRequest request, String jobStudyUid) {
        request.labelClasses().forEach(l -> labels.put(l.getClassIndex(), l));
        this.studyUid = jobStudyUid;
        for (ModelFile f : request.files()) {
            seriesUids.add(f.seriesUid());
            files.put(f.instanceUid(), f);
        }
    }

    public void validate(List<ModelOutput> outputs) {
        for (int i = 0; i < outputs.size(); i++) {
            String problem = problemWith(outputs.get(i));
            if (problem != null) {
                throw new RadflowException(Reason.INVALID_OUTPUT, "output " + i + " of " + outputs.size() + ": " + problem);
            }
        }
    }

    String problemWith(ModelOutput o) {
        String uids = uidProblem(o);
        if (uids != null) {
            return uids;
        }
        if (o.probability() != null && o.classProbabilities() != null) {
            return "sets both a probability and per-class probabilities";
        }
        if (o.probability() != null && !isProbability(o.probability())) {
            return "probability " + o.probability() + " is not in [0, 1]";
        }
        if (o.classProbabilities() != null) {
            for (ClassScore s : o.classProbabilities()) {
                if (!labels.containsKey(s.classIndex())) {
                    return "probability for class index " + s.classIndex() + ", which is not among the version's label classes " + classIndexes();
                }
                if (!isProbability(s.probability())) {
                    return "probability " + s.probability() + " of class index " + s.classIndex() + " is not in [0, 1]";
                }
            }
        }
        for (OutputExplanation e : o.explanations()) {
            if (e.name() == null || e.name().isBlank() || e.contentType() == null || e.contentType().isBlank() || e.content() == null) {
                return "explanation needs a name, a content type and content";
            }
        }
        return switch (o.type()) {
            case NONE -> o.classIndex() != null || o.data() != null ? "type NONE carries a class index or data" : null;
            case DICOM -> dicomProblem(o);
            case ANNOTATION -> annotationProblem(o);
        };
    }

    private String uidProblem(ModelOutput o) {
        if (o.studyUid() == null) {
            return "study UID is missing";
        }
        if (!o.studyUid().equals(studyUid)) {
            return "study UID " + o.studyUid() + " is not the job's study " + studyUid;
        }
        if (o.seriesUid() != null && !seriesUids.contains(o.seriesUid())) {
            return "series UID " + o.seriesUid() + " is not a series of the job";
        }
        if (o.instanceUid() != null) {
            ModelFile f = files.get(o.instanceUid());
            if (f == null) {
                return "instance UID " + o.instanceUid() + " is not an instance of the job";
            }
            if (o.seriesUid() != null && !o.seriesUid().equals(f.seriesUid())) {
                return "instance " + o.instanceUid() + " belongs to series " + f.seriesUid() + ", not " + o.seriesUid();
            }
        }
        if (o.frameNumber() != null) {
            if (o.instanceUid() == null) {
                return "frame number " + o.frameNumber() + " without an instance UID";
            }
            int frames = files.get(o.instanceUid()).geometry().frames();
            if (o.frameNumber() < 0 || o.frameNumber() >= frames) {
                return "frame number " + o.frameNumber() + " is out of range: instance " + o.instanceUid() + " has " + frames + " frame(s)";
            }
        }
        return null;
    }

    /** A derived DICOM (a SEG, SR or secondary capture): a class index, if any, must still name one of the version's labels. */
    private String dicomProblem(ModelOutput o) {
        if (o.dicom() == null || o.dicom().length == 0) {
            return "type DICOM carries no DICOM content";
        }
        if (o.data() != null) {
            return "type DICOM carries annotation data";
        }
        if (o.classIndex() != null && !labels.containsKey(o.classIndex())) {
            return "class index " + o.classIndex() + " is not among the version's label classes " + classIndexes();
        }
        return null;
    }

    private String annotationProblem(ModelOutput o) {
        if (o.classIndex() == null) {
            return "annotation without a class index";
        }
        LabelClass label = labels.get(o.classIndex());
        if (label == null) {
            return "class index " + o.classIndex() + " is not among the version's label classes " + classIndexes();
        }
        String name = "label " + label.getLabelId() + " (class index " + o.classIndex() + ")";
        Scope required = label.getType() == LabelType.LOCAL ? Scope.INSTANCE : label.getScope();
        if (o.seriesUid() == null && required != Scope.STUDY) {
            return name + " has scope " + required + " and needs a series UID, which is missing";
        }
        if (o.instanceUid() == null && required == Scope.INSTANCE) {
            return name + " has scope " + required + " and needs an instance UID, which is missing";
        }
        if (label.getType() == LabelType.GLOBAL) {
            return o.data() == null ? null : name + " is GLOBAL and takes no data, got " + kind(o.data());
        }
        AnnotationMode mode = label.getAnnotationMode();
        if (o.data() == null) {
            return name + " is LOCAL (" + mode + ") and needs data";
        }
        ImageGeometry g = files.get(o.instanceUid()).geometry();
        return dataProblem(name, mode, o.data(), g);
    }

    private static String dataProblem(String name, AnnotationMode mode, OutputData data, ImageGeometry g) {
        if (mode == null) {
            return name + " is LOCAL but the version gives it no annotation mode";
        }
        switch (mode) {
            case MASK -> {
                if (!(data instanceof MaskData m)) {
                    return name + " has mode MASK, got " + kind(data);
                }
                if (m.rows() != g.rows() || m.columns() != g.columns()) {
                    return name + ": mask is " + m.rows() + "x" + m.columns() + " but the frame is " + g.rows() + "x" + g.columns();
                }
                if (m.pixels() == null || m.pixels().length != m.rows() * m.columns()) {
                    return name + ": mask has " + (m.pixels() == null ? 0 : m.pixels().length) + " bytes for " + m.rows() + "x" + m.columns() + " pixels";
                }
                for (byte b : m.pixels()) {
                    if (b != 0 && b != 1) {
                        return name + ": mask pixels must be 0 or 1, found " + (b & 0xff);
                    }
                }
                return null;
            }
            case BBOX -> {
                if (!(data instanceof BoxData b)) {
                    return name + " has mode BBOX, got " + kind(data);
                }
                if (!(b.width() > 0 && b.height() > 0) || b.x() < 0 || b.y() < 0
                        || b.x() + b.width() > g.columns() || b.y() + b.height() > g.rows()) {
                    return name + ": box x=" + b.x() + " y=" + b.y() + " width=" + b.width() + " height=" + b.height()
                            + " is empty or outside the " + g.columns() + "x" + g.rows() + " frame";
                }
                return null;
            }
            case LOCATION -> {
                if (!(data instanceof PointData p)) {
                    return name + " has mode LOCATION, got " + kind(data);
                }
                return inside(p, g) ? null : name + ": point " + p.x() + "," + p.y() + " is outside the frame";
            }
            default -> {
                if (!(data instanceof VerticesData v)) {
                    return name + " has mode " + mode + ", got " + kind(data);
                }
                int min = mode == AnnotationMode.LINE ? 2 : 3;
                if (v.vertices().size() < min) {
                    return name + ": " + mode + " needs at least " + min + " vertices, got " + v.vertices().size();
                }
                for (PointData p : v.vertices()) {
                    if (!inside(p, g)) {
                        return name + ": vertex " + p.x() + "," + p.y() + " is outside the frame";
                    }
                }
                return null;
            }
        }
    }

    private static boolean inside(PointData p, ImageGeometry g) {
        return p.x() >= 0 && p.y() >= 0 && p.x() <= g.columns() && p.y() <= g.rows();
    }

    private static boolean isProbability(double p) {
        return p >= 0 && p <= 1;
    }

    private static String kind(OutputData d) {
        if (d instanceof MaskData) {
            return "a mask";
        }
        if (d instanceof BoxData) {
            return "a bounding box";
        }
        return d instanceof VerticesData ? "vertices" : "a point";
    }

    private TreeSet<Integer> classIndexes() {
        return new TreeSet<>(labels.keySet());
    }
}
