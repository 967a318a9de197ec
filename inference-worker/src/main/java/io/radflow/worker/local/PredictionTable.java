package io.radflow.worker.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.worker.runtime.ModelOutput;
import io.radflow.worker.runtime.OutputData;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The predictions of a local run, a row per model output, written twice: as CSV (RFC 4180, by
 * Jackson's CSV module, a header row first) and as JSON lines with the same fields. {@code data}
 * is MD.ai's shape as JSON ({@code {x, y, width, height}}, {@code {vertices: [[x, y], ...]}},
 * {@code {mask: [[0, 1, ...], ...]}}, {@code {x, y}}); {@code probability} is a number, or the
 * JSON list {@code [{class_index, probability}, ...]} when the model gave one per class.
 */
final class PredictionTable implements AutoCloseable {

    static final List<String> COLUMNS = List.of("type", "study_uid", "series_uid", "instance_uid", "frame_number", "class_index",
            "label_id", "label_name", "probability", "data", "note");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Writer csvOut;
    private final SequenceWriter csv;
    private final Writer jsonl;
    private final Map<Integer, LabelClass> labels = new LinkedHashMap<>();
    private int rows;

    PredictionTable(Path csvFile, Path jsonlFile, List<LabelClass> labelClasses) throws IOException {
        labelClasses.forEach(l -> labels.put(l.getClassIndex(), l));
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        COLUMNS.forEach(schema::addColumn);
        createParent(csvFile);
        createParent(jsonlFile);
        this.csvOut = Files.newBufferedWriter(csvFile, StandardCharsets.UTF_8);
        // Quotes only what needs them (RFC 4180: separators, quotes, line breaks), not every long UID.
        this.csv = new CsvMapper().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).writer(schema.build()).writeValues(csvOut);
        this.jsonl = new BufferedWriter(Files.newBufferedWriter(jsonlFile, StandardCharsets.UTF_8));
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    void write(ModelOutput o) throws IOException {
        LabelClass label = o.classIndex() == null ? null : labels.get(o.classIndex());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("type", o.type().name());
        row.put("study_uid", o.studyUid());
        row.put("series_uid", o.seriesUid());
        row.put("instance_uid", o.instanceUid());
        row.put("frame_number", o.frameNumber());
        row.put("class_index", o.classIndex());
        row.put("label_id", label == null ? null : label.getLabelId());
        row.put("label_name", label == null ? null : label.getName());
        row.put("probability", probability(o));
        row.put("data", data(o.data()));
        row.put("note", o.note());
        jsonl.write(JSON.writeValueAsString(row));
        jsonl.write('\n');
        List<Object> cells = new ArrayList<>(COLUMNS.size());
        for (String column : COLUMNS) {
            Object v = row.get(column);
            cells.add(v == null ? "" : v instanceof String || v instanceof Number ? v : JSON.writeValueAsString(v));
        }
        csv.write(cells);
        rows++;
    }

    int rows() {
        return rows;
    }

    private static Object probability(ModelOutput o) {
        if (o.probability() != null) {
            return o.probability();
        }
        if (o.classProbabilities() == null) {
            return null;
        }
        List<Object> scores = new ArrayList<>();
        for (ModelOutput.ClassScore s : o.classProbabilities()) {
            Map<String, Object> score = new LinkedHashMap<>();
            score.put("class_index", s.classIndex());
            score.put("probability", s.probability());
            scores.add(score);
        }
        return scores;
    }

    static Object data(OutputData d) {
        if (d == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        if (d instanceof OutputData.BoxData b) {
            m.put("x", b.x());
            m.put("y", b.y());
            m.put("width", b.width());
            m.put("height", b.height());
        } else if (d instanceof OutputData.PointData p) {
            m.put("x", p.x());
            m.put("y", p.y());
        } else if (d instanceof OutputData.VerticesData v) {
            m.put("vertices", v.vertices().stream().map(p -> List.of(p.x(), p.y())).toList());
        } else if (d instanceof OutputData.MaskData mask) {
            List<Object> rowsOut = new ArrayList<>(mask.rows());
            for (int r = 0; r < mask.rows(); r++) {
                byte[] row = Arrays.copyOfRange(mask.pixels(), r * mask.columns(), (r + 1) * mask.columns());
                List<Integer> values = new ArrayList<>(row.length);
                for (byte b : row) {
                    values.add(b & 0xFF);
                }
                rowsOut.add(values);
            }
            m.put("mask", rowsOut);
        }
        return m;
    }

    @Override
    public void close() throws IOException {
        try (Writer a = csvOut; Writer b = jsonl) {
            csv.close();
        }
    }
}
