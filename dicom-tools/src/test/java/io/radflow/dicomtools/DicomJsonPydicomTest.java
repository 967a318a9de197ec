package io.radflow.dicomtools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.dicom.DicomReadException;
import io.radflow.dicom.DicomReadException.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every file of pydicom's test set that both read, dumped by {@link DicomDump} and compared with
 * pydicom's own {@code Dataset.to_json_dict()} (src/test/resources/pydicom-json/expected.json,
 * written by expected.py beside it, which states how pydicom's bulk data was put in Radflow's form).
 * Numbers compare by value (pydicom writes DS 5.000000 as 5.0), floats to float precision.
 *
 * <p>Where the two differ by design, this test says so: pydicom keeps the padding of each value of
 * a multi-valued string ("DERIVED \PRIMARY" gives "DERIVED "), writes an empty sequence as
 * {@code "Value": []} where Radflow leaves "Value" out as for every empty attribute, and writes the
 * VR a file gave encapsulated pixel data (some write OW) where Radflow writes OB (PS3.5 A.4). Files
 * Radflow refuses and the few differences of single files are listed below with their reasons.
 */
class DicomJsonPydicomTest {

    /** Files the dump refuses, with the problem: pydicom's force=True reads anything, and reads on past a cut. */
    private static final Map<String, Problem> REFUSED = Map.ofEntries(
            Map.entry("README.txt", Problem.NOT_DICOM),
            Map.entry("rtplan.dump", Problem.NOT_DICOM),
            Map.entry("rtstruct.dump", Problem.NOT_DICOM),
            Map.entry("test1.json", Problem.NOT_DICOM),
            Map.entry("test_PN.json", Problem.NOT_DICOM),
            Map.entry("zipMR.gz", Problem.NOT_DICOM),
            Map.entry("no_meta.dcm", Problem.NOT_DICOM), // a stray byte before the first tag
            Map.entry("MR_truncated.dcm", Problem.TRUNCATED),
            Map.entry("rtplan_truncated.dcm", Problem.TRUNCATED),
            // (0008,0008) has the VR bytes 18 00: dcmtk's dcmdump gives up on it too; pydicom
            // reads on because it reads the VR from its dictionary.
            Map.entry("SC_rgb_jpeg.dcm", Problem.MALFORMED));

    /** Paths that differ in single files, and why. */
    private static final Map<String, Set<String>> KNOWN = Map.of(
            // (300C,0002) is written as UN: PixelMed keeps the file's VR (bytes inline); pydicom
            // replaces it with the dictionary's SQ and parses the items.
            "rtdose_rle.dcm", Set.of("/300C0002/vr", "/300C0002/Value", "/300C0002/InlineBinary"),
            "rtdose_rle_1frame.dcm", Set.of("/300C0002/vr", "/300C0002/Value", "/300C0002/InlineBinary"),
            // (0001,0001), in a group no data set may use, holds nested items: PixelMed reads them as
            // a sequence, as dcmtk's dcmdump does; pydicom guesses LO. PixelMed stops after them and
            // leaves out the 2-byte Pixel Data.
            "nested_priv_SQ.dcm", Set.of("/00010001/vr", "/00010001/Value/0", "/7FE00010"),
            "meta_missing_tsyntax.dcm", Set.of("/00010001/vr", "/00010001/Value/0", "/7FE00010"));

    private static JsonNode expected;
    private static Path root;
    private static final String PIXEL_DATA = "7FE00010";

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = DicomJsonPydicomTest.class.getResourceAsStream("/pydicom-json/expected.json")) {
            expected = new ObjectMapper().readTree(in);
        }
        root = Path.of(expected.get("root").asText());
        assertThat(root).as("pydicom's test files (Debian package python3-pydicom)").isDirectory();
    }

    @Test
    void shouldWriteWhatPydicomWritesForEveryFileBothRead() {
        Map<String, List<String>> differences = new TreeMap<>();
        TreeSet<String> compared = new TreeSet<>();
        for (Map.Entry<String, JsonNode> file : expected.get("files").properties()) {
            if (!file.getValue().has("json")) {
                continue;
            }
            JsonNode actual;
            try {
                actual = DicomDump.of(root.resolve(file.getKey()));
            } catch (DicomReadException e) {
                if (e.problem() != REFUSED.get(file.getKey())) {
                    differences.put(file.getKey(), List.of("not read: " + e.problem() + ": " + e.getMessage()));
                }
                continue;
            }
            if (REFUSED.containsKey(file.getKey())) {
                differences.put(file.getKey(), List.of("read, though it should be refused as " + REFUSED.get(file.getKey())));
                continue;
            }
            List<String> diffs = new ArrayList<>();
            compare(file.getValue().get("json"), actual, "", diffs);
            Set<String> known = KNOWN.getOrDefault(file.getKey(), Set.of());
            diffs.removeIf(d -> known.contains(d.substring(0, d.indexOf(':'))));
            compared.add(file.getKey());
            if (!diffs.isEmpty()) {
                differences.put(file.getKey(), diffs.size() > 8 ? diffs.subList(0, 8) : diffs);
            }
        }
        StringBuilder report = new StringBuilder();
        differences.forEach((f, d) -> report.append(f).append('\n').append(String.join("\n", d.stream().map(s -> "  " + s).toList())).append('\n'));
        assertThat(differences).as(report.toString()).isEmpty();
        assertThat(compared).hasSizeGreaterThan(60);
    }

    static void compare(JsonNode want, JsonNode got, String path, List<String> diffs) {
        if (want.isObject() && got.isObject()) {
            if ("SQ".equals(want.path("vr").asText()) && want.path("Value").isEmpty() && !got.has("Value")) {
                return; // an empty sequence
            }
            if (path.equals("/" + PIXEL_DATA) && got.path("vr").asText().equals("OB") && got.has("BulkDataLength")
                    && want.path("BulkDataLength").asLong(-1) == got.get("BulkDataLength").asLong()) {
                return; // encapsulated pixel data: OB whatever the file wrote
            }
            TreeSet<String> keys = new TreeSet<>();
            want.fieldNames().forEachRemaining(keys::add);
            got.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                if (!want.has(k)) {
                    diffs.add(path + "/" + k + ": extra " + got.get(k));
                } else if (!got.has(k)) {
                    diffs.add(path + "/" + k + ": missing " + want.get(k));
                } else {
                    compare(want.get(k), got.get(k), path + "/" + k, diffs);
                }
            }
        } else if (want.isArray() && got.isArray()) {
            if (want.size() != got.size()) {
                diffs.add(path + ": " + want + " != " + got);
                return;
            }
            for (int i = 0; i < want.size(); i++) {
                compare(want.get(i), got.get(i), path + "/" + i, diffs);
            }
        } else if (want.isNumber() && got.isNumber()) {
            if (want.isIntegralNumber() && got.isIntegralNumber()) {
                if (!want.bigIntegerValue().equals(got.bigIntegerValue())) {
                    diffs.add(path + ": " + want + " != " + got);
                }
            } else {
                double w = want.doubleValue();
                double g = got.doubleValue();
                if (Math.abs(w - g) > 1e-6 * Math.max(1, Math.abs(w))
                        && new BigDecimal(want.asText()).compareTo(new BigDecimal(got.asText())) != 0) {
                    diffs.add(path + ": " + want + " != " + got);
                }
            }
        } else if (want.isTextual() && got.isTextual()) {
            if (!want.asText().replaceFirst(" +$", "").equals(got.asText())) { // pydicom's per-value padding
                diffs.add(path + ": " + want + " != " + got);
            }
        } else if (!want.equals(got)) {
            diffs.add(path + ": " + want + " != " + got);
        }
    }
}
