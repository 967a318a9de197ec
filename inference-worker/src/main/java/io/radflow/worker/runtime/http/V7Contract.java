package io.radflow.worker.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.worker.runtime.ModelFile;
import io.radflow.worker.runtime.ModelOutput;
import io.radflow.worker.runtime.OutputData;
import io.radflow.worker.runtime.OutputData.BoxData;
import io.radflow.worker.runtime.OutputData.PointData;
import io.radflow.worker.runtime.OutputData.VerticesData;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * V7's "bring your own model" contract. {@code GET {url}/api/classes} lists the model's classes
 * ({@code [{"name": "nodule", "type": "bounding_box"}, ...]}); {@code POST {url}/api/infer} with
 * {@code {"image": {"base64": "..."}}} answers {@code {"status": "succeeded", "results": [{"name",
 * "label", "confidence", "bounding_box": {x, y, w, h} | "polygon": {"path": [{x, y}, ...]} |
 * "complex_polygon" | "line" | "keypoint": {x, y} | "tag": {}}]}} or {@code {"status": "failed"}}.
 *
 * <p>The version's label classes are matched to the model's classes by name (or label id) when the
 * model loads; results of model classes the version does not map are dropped; a result naming a
 * class the model did not list, or an answer that is not this shape, fails the job as INVALID_OUTPUT.
 */
final class V7Contract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EXCERPT = 300;

    /** Which V7 annotation types fit which of the version's label kinds. */
    private static final Map<String, Set<AnnotationMode>> LOCAL_TYPES = Map.of(
            "bounding_box", Set.of(AnnotationMode.BBOX),
            "polygon", Set.of(AnnotationMode.POLYGON, AnnotationMode.FREEFORM),
            "complex_polygon", Set.of(AnnotationMode.POLYGON, AnnotationMode.FREEFORM),
            "line", Set.of(AnnotationMode.LINE),
            "keypoint", Set.of(AnnotationMode.LOCATION));

    private final Set<String> modelClasses;
    private final Map<String, LabelClass> labels;

    private V7Contract(Set<String> modelClasses, Map<String, LabelClass> labels) {
        this.modelClasses = modelClasses;
        this.labels = labels;
    }

    /** Parses {@code GET /api/classes} and maps the version's labels onto the model's classes. */
    static V7Contract of(String classesBody, List<LabelClass> versionLabels, String url) {
        JsonNode root = parse(classesBody, "GET " + url + "/api/classes", Reason.MODEL_LOAD_FAILED);
        JsonNode list = root.isObject() && root.has("classes") ? root.get("classes") : root;
        if (!list.isArray()) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "GET " + url + "/api/classes must answer a list of classes, got "
                    + excerpt(classesBody));
        }
        Map<String, String> types = new LinkedHashMap<>();
        for (JsonNode c : list) {
            String name = c.isTextual() ? c.asText() : c.path("name").asText(null);
            if (name == null) {
                throw new RadflowException(Reason.MODEL_LOAD_FAILED, "GET " + url + "/api/classes: a class without a name: " + c);
            }
            types.put(name, c.path("type").asText(""));
        }
        Map<String, LabelClass> labels = new LinkedHashMap<>();
        for (LabelClass l : versionLabels) {
            String name = types.containsKey(l.getName()) ? l.getName() : types.containsKey(l.getLabelId()) ? l.getLabelId() : null;
            if (name == null) {
                throw new RadflowException(Reason.MODEL_LOAD_FAILED, "label " + l.getLabelId() + " (" + l.getName()
                        + ") of the version is not a class of the model at " + url + " (its classes: " + types.keySet() + ")");
            }
            String problem = typeProblem(types.get(name), l);
            if (problem != null) {
                throw new RadflowException(Reason.MODEL_LOAD_FAILED, "label " + l.getLabelId() + " maps to the model's class " + name
                        + " at " + url + ", but " + problem);
            }
            labels.put(name, l);
        }
        return new V7Contract(Set.copyOf(types.keySet()), labels);
    }

    private static String typeProblem(String type, LabelClass l) {
        if (type.isEmpty()) {
            return null;
        }
        if (type.equals("tag")) {
            return l.getType() == LabelType.GLOBAL ? null : "the class is a tag and the label is LOCAL (" + l.getAnnotationMode() + ")";
        }
        Set<AnnotationMode> modes = LOCAL_TYPES.get(type);
        if (modes == null) {
            return "the class has type " + type + ", which Radflow does not map (tag, bounding_box, polygon, complex_polygon, line, keypoint)";
        }
        if (l.getType() != LabelType.LOCAL || !modes.contains(l.getAnnotationMode())) {
            return "the class is a " + type + " and the label is " + l.getType() + (l.getAnnotationMode() == null ? "" : " " + l.getAnnotationMode());
        }
        return null;
    }

    static String inferBody(byte[] image) {
        return "{\"image\":{\"base64\":\"" + Base64.getEncoder().encodeToString(image) + "\"}}";
    }

    /** The outputs of one infer answer for an image of {@code file} (frame {@code frame}, or null). */
    List<ModelOutput> outputs(String body, String what, ModelFile file, Integer frame) {
        JsonNode root = parse(body, what, Reason.INVALID_OUTPUT);
        String status = root.path("status").asText(null);
        if ("failed".equals(status)) {
            JsonNode why = root.has("error") ? root.get("error") : root.has("message") ? root.get("message") : root;
            throw new RadflowException(Reason.MODEL_ERROR, what + ": the model reported status failed: "
                    + excerpt(why.isTextual() ? why.asText() : why.toString()));
        }
        if (!"succeeded".equals(status)) {
            throw new RadflowException(Reason.INVALID_OUTPUT, what + ": status must be \"succeeded\" or \"failed\", got "
                    + excerpt(body));
        }
        JsonNode results = root.get("results");
        if (results == null || !results.isArray()) {
            throw new RadflowException(Reason.INVALID_OUTPUT, what + ": a succeeded answer needs a results list, got " + excerpt(body));
        }
        List<ModelOutput> out = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            JsonNode r = results.get(i);
            String name = r.path("name").isTextual() ? r.get("name").asText() : r.path("label").asText(null);
            if (name == null) {
                throw new RadflowException(Reason.INVALID_OUTPUT, what + ": result " + i + " has no name: " + excerpt(r.toString()));
            }
            if (!modelClasses.contains(name)) {
                throw new RadflowException(Reason.INVALID_OUTPUT, what + ": result " + i + " has class " + name
                        + ", which the model did not list in /api/classes " + modelClasses);
            }
            LabelClass label = labels.get(name);
            if (label == null) {
                continue; // the version does not use this class of the model
            }
            JsonNode confidence = r.get("confidence");
            if (confidence != null && !confidence.isNull() && !confidence.isNumber()) {
                throw new RadflowException(Reason.INVALID_OUTPUT, what + ": result " + i + " has confidence " + confidence
                        + ", not a number");
            }
            out.add(ModelOutput.annotation(file.studyUid(), file.seriesUid(), file.instanceUid(), frame, label.getClassIndex(),
                    data(r, what + ": result " + i), confidence == null || confidence.isNull() ? null : confidence.asDouble(), null));
        }
        return out;
    }

    private static OutputData data(JsonNode r, String where) {
        if (r.has("bounding_box")) {
            JsonNode b = r.get("bounding_box");
            return new BoxData(num(b, "x", where), num(b, "y", where), num(b, "w", where), num(b, "h", where));
        }
        if (r.has("polygon")) {
            return path(r.get("polygon").get("path"), where);
        }
        if (r.has("complex_polygon")) {
            JsonNode paths = r.get("complex_polygon").get("path");
            return path(paths != null && paths.isArray() && paths.size() > 0 && paths.get(0).isArray() ? paths.get(0) : paths, where);
        }
        if (r.has("line")) {
            return path(r.get("line").get("path"), where);
        }
        if (r.has("keypoint")) {
            JsonNode k = r.get("keypoint");
            return new PointData(num(k, "x", where), num(k, "y", where));
        }
        return null;
    }

    private static VerticesData path(JsonNode path, String where) {
        if (path == null || !path.isArray()) {
            throw new RadflowException(Reason.INVALID_OUTPUT, where + ": a path must be a list of {x, y} points");
        }
        List<PointData> points = new ArrayList<>();
        for (JsonNode p : path) {
            points.add(new PointData(num(p, "x", where), num(p, "y", where)));
        }
        return new VerticesData(points);
    }

    private static double num(JsonNode n, String field, String where) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || !v.isNumber()) {
            throw new RadflowException(Reason.INVALID_OUTPUT, where + ": " + field + " must be a number, got " + v);
        }
        return v.asDouble();
    }

    private static JsonNode parse(String body, String what, Reason reason) {
        if (body == null || body.isBlank()) {
            throw new RadflowException(reason, what + ": the answer is empty, not JSON");
        }
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || root.isMissingNode()) {
                throw new RadflowException(reason, what + ": the answer is not JSON: " + excerpt(body));
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new RadflowException(reason, what + ": the answer is not JSON (" + e.getOriginalMessage() + "): " + excerpt(body), e);
        }
    }

    private static String excerpt(String s) {
        String t = s.strip();
        return t.length() > EXCERPT ? t.substring(0, EXCERPT) + "..." : t;
    }
}
