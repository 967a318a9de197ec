package io.radflow.schemas.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.radflow.schemas.avro.BoundingBox;
import io.radflow.schemas.avro.ClassProbability;
import io.radflow.schemas.avro.ContentRef;
import io.radflow.schemas.avro.Explanation;
import io.radflow.schemas.avro.Mask;
import io.radflow.schemas.avro.Point;
import io.radflow.schemas.avro.Prediction;
import io.radflow.schemas.avro.Provenance;
import io.radflow.schemas.avro.Vertices;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * A prediction as one JSON object, for viewers and scripts that do not speak Avro
 * ({@code ./radflow predictions}, the demo's output file). {@code data} keeps MD.ai's shapes
 * ({@code x/y/width/height} for a box, {@code x/y} for a location, {@code vertices} as
 * {@code [[x, y], ...]}; masks as rows, columns and base64 bytes) with {@code dataType} naming
 * which one it is; bytes are base64; instants are ISO-8601.
 */
public final class PredictionJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PredictionJson() {
    }

    /** One line of JSON, no trailing newline. */
    public static String toLine(Prediction p) {
        return toJson(p).toString();
    }

    public static ObjectNode toJson(Prediction p) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("predictionId", p.getPredictionId());
        o.put("jobId", p.getJobId());
        o.put("projectId", p.getProjectId());
        o.put("datasetId", p.getDatasetId());
        o.put("modelId", p.getModelId());
        o.put("modelVersion", p.getModelVersion());
        o.put("outputIndex", p.getOutputIndex());
        o.put("type", p.getType().name());
        o.put("studyInstanceUid", p.getStudyInstanceUid());
        o.put("seriesInstanceUid", p.getSeriesInstanceUid());
        o.put("sopInstanceUid", p.getSopInstanceUid());
        putNullable(o, "frameNumber", p.getFrameNumber());
        putNullable(o, "classIndex", p.getClassIndex());
        o.put("labelId", p.getLabelId());
        data(o, p.getData());
        probability(o, p.getProbability());
        o.put("note", p.getNote());
        ArrayNode explanations = o.putArray("explanations");
        for (Explanation e : p.getExplanations()) {
            ObjectNode x = explanations.addObject();
            x.put("name", e.getName());
            x.put("description", e.getDescription());
            x.put("contentType", e.getContentType());
            x.put("contentBase64", base64(e.getContent()));
        }
        ContentRef dicom = p.getDicomContent();
        if (dicom == null) {
            o.putNull("dicomContent");
        } else {
            ObjectNode d = o.putObject("dicomContent");
            d.put("uri", dicom.getUri());
            d.put("contentType", dicom.getContentType());
            d.put("sizeBytes", dicom.getSizeBytes());
            d.put("sha256", dicom.getSha256());
        }
        provenance(o.putObject("provenance"), p.getProvenance());
        return o;
    }

    private static void data(ObjectNode o, Object data) {
        if (data == null) {
            o.putNull("dataType");
            o.putNull("data");
        } else if (data instanceof BoundingBox b) {
            o.put("dataType", "box");
            o.putObject("data").put("x", b.getX()).put("y", b.getY()).put("width", b.getWidth()).put("height", b.getHeight());
        } else if (data instanceof Point pt) {
            o.put("dataType", "location");
            o.putObject("data").put("x", pt.getX()).put("y", pt.getY());
        } else if (data instanceof Vertices v) {
            o.put("dataType", "vertices");
            ArrayNode vertices = o.putObject("data").putArray("vertices");
            for (Point pt : v.getVertices()) {
                vertices.addArray().add(pt.getX()).add(pt.getY());
            }
        } else if (data instanceof Mask m) {
            o.put("dataType", "mask");
            o.putObject("data").put("rows", m.getRows()).put("columns", m.getColumns()).put("pixelsBase64", base64(m.getPixels()));
        } else {
            throw new IllegalArgumentException("unknown prediction data type " + data.getClass());
        }
    }

    @SuppressWarnings("unchecked")
    private static void probability(ObjectNode o, Object probability) {
        if (probability == null) {
            o.putNull("probability");
        } else if (probability instanceof Double d) {
            o.put("probability", d);
        } else {
            ArrayNode list = o.putArray("probability");
            for (ClassProbability cp : (List<ClassProbability>) probability) {
                list.addObject().put("classIndex", cp.getClassIndex()).put("probability", cp.getProbability());
            }
        }
    }

    private static void provenance(ObjectNode o, Provenance p) {
        o.put("workerId", p.getWorkerId());
        o.put("runtime", p.getRuntime().name());
        o.put("device", p.getDevice().name());
        o.put("artifactSha256", p.getArtifactSha256());
        o.put("jobRevision", p.getJobRevision());
        o.put("uploadedAt", iso(p.getUploadedAt()));
        o.put("jobCreatedAt", iso(p.getJobCreatedAt()));
        o.put("startedAt", iso(p.getStartedAt()));
        o.put("completedAt", iso(p.getCompletedAt()));
        o.put("runId", p.getRunId());
    }

    private static void putNullable(ObjectNode o, String field, Integer value) {
        if (value == null) {
            o.putNull(field);
        } else {
            o.put(field, value);
        }
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }

    private static String base64(ByteBuffer bytes) {
        ByteBuffer copy = bytes.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return Base64.getEncoder().encodeToString(out);
    }
}
