package io.radflow.worker.runtime.mdai;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.OutputType;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MD.ai output dicts (already through MD.ai's own checks in the runner) to {@link ModelOutput}s,
 * and back for annotations handed to models. Data shapes: {@code {x, y}} location, {@code {x, y,
 * width, height}} box, {@code {vertices: [[x, y], ...]}} polygon / freeform / line, and
 * {@code {mask: [[0, 1, ...], ...]}} mask rows.
 */
final class MdaiOutputs {

    private MdaiOutputs() {
    }

    static List<ModelOutput> decode(List<?> outputs) {
        List<ModelOutput> out = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            try {
                out.add(decode((Map<?, ?>) outputs.get(i)));
            } catch (RuntimeException e) {
                throw new RadflowException(Reason.INVALID_OUTPUT, "output " + i + " of " + outputs.size() + ": "
                        + (e instanceof RadflowException ? e.getMessage() : "cannot be read: " + e), e);
            }
        }
        return out;
    }

    private static ModelOutput decode(Map<?, ?> o) {
        OutputType type = OutputType.valueOf((String) o.get("type"));
        Double probability = null;
        List<ClassScore> scores = null;
        Object p = o.get("probability");
        if (p instanceof Double d) {
            probability = d;
        } else if (p instanceof List<?> list) {
            scores = new ArrayList<>();
            for (Object e : list) {
                Map<?, ?> m = (Map<?, ?>) e;
                scores.add(new ClassScore(intOf(m.get("class_index")), (Double) m.get("probability")));
            }
        }
        List<OutputExplanation> explanations = new ArrayList<>();
        if (o.get("explanations") instanceof List<?> list) {
            for (Object e : list) {
                Map<?, ?> m = (Map<?, ?>) e;
                explanations.add(new OutputExplanation((String) m.get("name"), (String) m.get("description"),
                        (byte[]) m.get("content"), (String) m.get("content_type")));
            }
        }
        return new ModelOutput(type, (String) o.get("study_uid"), (String) o.get("series_uid"), (String) o.get("instance_uid"),
                o.get("frame_number") == null ? null : intOf(o.get("frame_number")),
                o.get("class_index") == null ? null : intOf(o.get("class_index")),
                data((Map<?, ?>) o.get("data")), probability, scores, (String) o.get("note"), explanations, (byte[]) o.get("content"));
    }

    private static int intOf(Object v) {
        long l = (Long) v;
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw new RadflowException(Reason.INVALID_OUTPUT, "number " + l + " is out of range");
        }
        return (int) l;
    }

    private static double number(Object v) {
        return ((Number) v).doubleValue();
    }

    static OutputData data(Map<?, ?> d) {
        if (d == null) {
            return null;
        }
        if (d.containsKey("vertices")) {
            List<PointData> points = new ArrayList<>();
            for (Object v : (List<?>) d.get("vertices")) {
                List<?> xy = (List<?>) v;
                points.add(new PointData(number(xy.get(0)), number(xy.get(1))));
            }
            return new VerticesData(points);
        }
        if (d.containsKey("mask")) {
            return mask((List<?>) d.get("mask"));
        }
        if (d.containsKey("width")) {
            return new BoxData(number(d.get("x")), number(d.get("y")), number(d.get("width")), number(d.get("height")));
        }
        return new PointData(number(d.get("x")), number(d.get("y")));
    }

    private static MaskData mask(List<?> rows) {
        int columns = rows.isEmpty() ? 0 : ((List<?>) rows.get(0)).size();
        byte[] pixels = new byte[rows.size() * columns];
        for (int r = 0; r < rows.size(); r++) {
            if (!(rows.get(r) instanceof List<?> row) || row.size() != columns) {
                throw new RadflowException(Reason.INVALID_OUTPUT, "mask row " + r + " is not a list of " + columns
                        + " values like the first row");
            }
            for (int c = 0; c < columns; c++) {
                Object v = row.get(c);
                long value = v instanceof Boolean b ? (b ? 1 : 0) : v instanceof Long l ? l : -1;
                if (value != 0 && value != 1) {
                    throw new RadflowException(Reason.INVALID_OUTPUT, "mask value at row " + r + ", column " + c + " is " + v
                            + "; mask values are 0 or 1");
                }
                pixels[r * columns + c] = (byte) value;
            }
        }
        return new MaskData(rows.size(), columns, pixels);
    }

    /** The MD.ai form of {@link OutputData}. */
    static Object data(OutputData d) {
        if (d == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        if (d instanceof PointData p) {
            m.put("x", Math.round(p.x()));
            m.put("y", Math.round(p.y()));
        } else if (d instanceof BoxData b) {
            m.put("x", Math.round(b.x()));
            m.put("y", Math.round(b.y()));
            m.put("width", Math.round(b.width()));
            m.put("height", Math.round(b.height()));
        } else if (d instanceof VerticesData v) {
            m.put("vertices", v.vertices().stream().map(p -> (Object) List.of(p.x(), p.y())).toList());
        } else {
            MaskData mask = (MaskData) d;
            List<Object> rows = new ArrayList<>(mask.rows());
            for (int r = 0; r < mask.rows(); r++) {
                List<Object> row = new ArrayList<>(mask.columns());
                for (int c = 0; c < mask.columns(); c++) {
                    row.add((long) mask.pixels()[r * mask.columns() + c]);
                }
                rows.add(row);
            }
            m.put("mask", rows);
        }
        return m;
    }

    /**
     * Which request of a {@code predict_batch} call an output belongs to, by its UIDs: the request
     * holding its instance, else the only one holding its series, else the only one of its study.
     * Empty when no single request fits (the caller then runs the requests one at a time).
     */
    static Optional<Integer> owner(ModelOutput o, List<ModelRequest> requests) {
        if (o.instanceUid() != null) {
            return single(requests, f -> o.instanceUid().equals(f.instanceUid()));
        }
        if (o.seriesUid() != null) {
            return single(requests, f -> o.seriesUid().equals(f.seriesUid()));
        }
        if (o.studyUid() != null) {
            return single(requests, f -> o.studyUid().equals(f.studyUid()));
        }
        return Optional.empty();
    }

    private static Optional<Integer> single(List<ModelRequest> requests, java.util.function.Predicate<ModelFile> match) {
        Integer found = null;
        for (int i = 0; i < requests.size(); i++) {
            if (requests.get(i).files().stream().anyMatch(match)) {
                if (found != null) {
                    return Optional.empty();
                }
                found = i;
            }
        }
        return Optional.ofNullable(found);
    }
}
