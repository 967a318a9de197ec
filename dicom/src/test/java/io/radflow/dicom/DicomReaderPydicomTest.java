package io.radflow.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.dicom.DicomReadException.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file of pydicom's own test-file set, read by Radflow's reader and compared with what
 * pydicom reports (src/test/resources/pydicom/expected.json, written by expected.py beside it):
 * UIDs and attributes, the top-level tags, native frame bytes, modality values, and encapsulated
 * fragments and frames. Truncated, invalid and non-DICOM files must fail with the right problem.
 */
class DicomReaderPydicomTest {

    private static JsonNode expected;
    private static Path root;

    private static final Map<String, Function<DicomAttributes, Object>> ATTRIBUTES = Map.ofEntries(
            Map.entry("TransferSyntaxUID", DicomAttributes::transferSyntaxUid),
            Map.entry("SOPClassUID", DicomAttributes::sopClassUid),
            Map.entry("SOPInstanceUID", DicomAttributes::sopInstanceUid),
            Map.entry("StudyInstanceUID", DicomAttributes::studyInstanceUid),
            Map.entry("SeriesInstanceUID", DicomAttributes::seriesInstanceUid),
            Map.entry("Modality", DicomAttributes::modality),
            Map.entry("InstanceNumber", DicomAttributes::instanceNumber),
            Map.entry("NumberOfFrames", DicomAttributes::numberOfFrames),
            Map.entry("Rows", DicomAttributes::rows),
            Map.entry("Columns", DicomAttributes::columns),
            Map.entry("BitsAllocated", DicomAttributes::bitsAllocated),
            Map.entry("BitsStored", DicomAttributes::bitsStored),
            Map.entry("HighBit", DicomAttributes::highBit),
            Map.entry("PixelRepresentation", DicomAttributes::pixelRepresentation),
            Map.entry("SamplesPerPixel", DicomAttributes::samplesPerPixel),
            Map.entry("PhotometricInterpretation", DicomAttributes::photometricInterpretation),
            Map.entry("PlanarConfiguration", DicomAttributes::planarConfiguration),
            Map.entry("RescaleSlope", DicomAttributes::rescaleSlope),
            Map.entry("RescaleIntercept", DicomAttributes::rescaleIntercept),
            Map.entry("WindowCenter", DicomAttributes::windowCenter),
            Map.entry("WindowWidth", DicomAttributes::windowWidth),
            Map.entry("ImagesInAcquisition", DicomAttributes::imagesInAcquisition),
            Map.entry("SeriesDescription", DicomAttributes::seriesDescription),
            Map.entry("StudyDescription", DicomAttributes::studyDescription),
            Map.entry("BodyPartExamined", DicomAttributes::bodyPartExamined));

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = DicomReaderPydicomTest.class.getResourceAsStream("/pydicom/expected.json")) {
            expected = new ObjectMapper().readTree(in);
        }
        root = Path.of(expected.get("root").asText());
        assertThat(root).as("pydicom's test files (Debian package python3-pydicom)").isDirectory();
    }

    @Test
    void shouldCoverEveryFileOfTheTestSet() throws IOException {
        TreeSet<String> onDisk = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile).forEach(p -> onDisk.add(root.relativize(p).toString()));
        }
        TreeSet<String> covered = new TreeSet<>();
        expected.get("files").fieldNames().forEachRemaining(covered::add);
        assertThat(covered).isEqualTo(onDisk);
        assertThat(covered).hasSizeGreaterThan(100);
    }

    @TestFactory
    Stream<DynamicTest> shouldReadLikePydicom() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : expected.get("files").properties()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> check(root.resolve(e.getKey()), e.getValue())));
        }
        return tests.stream();
    }

    private static void check(Path file, JsonNode want) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        JsonNode error = want.get("error");
        if (error != null && error.get("kind").asText().equals("not-dicom")) {
            expectFailure(() -> DicomReader.standard().read(file), error);
            expectFailure(() -> DicomReader.headerOnly().read(bytes), error);
            return;
        }
        JsonNode headerError = want.get("headerError");
        if (headerError != null) {
            expectFailure(() -> DicomReader.headerOnly().read(bytes), headerError);
        } else {
            DicomFile header = DicomReader.headerOnly().read(bytes);
            assertAttributes(header.attributes(), want.get("attributes"));
            assertThat(header.tags()).containsExactlyElementsOf(
                    tags(want).stream().filter(t -> Integer.compareUnsigned(t, Tags.PIXEL_DATA) < 0).toList());
            assertThat(header.hasPixelData()).isFalse();
        }
        if (error != null) {
            expectFailure(() -> DicomReader.standard().read(file), error);
            return;
        }
        DicomFile full = DicomReader.standard().read(file);
        assertAttributes(full.attributes(), want.get("attributes"));
        assertThat(full.containsPixelData()).as("containsPixelData of a full read").isEqualTo(want.has("pixel"));
        if (headerError == null) {
            assertThat(DicomReader.headerOnly().read(bytes).containsPixelData()).as("containsPixelData of a header-only read")
                    .isEqualTo(want.has("pixel"));
        }
        TreeSet<Integer> distinct = new TreeSet<>(Integer::compareUnsigned);
        distinct.addAll(full.tags());
        assertThat(List.copyOf(distinct)).containsExactlyElementsOf(tags(want));
        assertPixels(full, want.get("pixel"));
        try (InputStream in = Files.newInputStream(file)) {
            assertThat(DicomReader.standard().read(in, bytes.length).attributes()).isEqualTo(full.attributes());
        }
    }

    private static List<Integer> tags(JsonNode want) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode t : want.get("tags")) {
            String s = t.asText();
            out.add(Integer.parseUnsignedInt(s.substring(1, 5) + s.substring(6, 10), 16));
        }
        return out;
    }

    private static void expectFailure(Runnable read, JsonNode error) {
        Problem problem = switch (error.get("kind").asText()) {
            case "not-dicom" -> Problem.NOT_DICOM;
            case "truncated" -> Problem.TRUNCATED;
            case "invalid-value" -> Problem.INVALID_VALUE;
            default -> throw new AssertionError("unknown error kind " + error);
        };
        var thrown = assertThatThrownBy(read::run).isInstanceOf(DicomReadException.class)
                .hasFieldOrPropertyWithValue("problem", problem)
                .hasFieldOrPropertyWithValue("reason", io.radflow.common.error.Reason.UNREADABLE_DICOM);
        if (error.has("tag")) {
            thrown.hasMessageContaining(error.get("tag").asText());
        }
    }

    private static void assertAttributes(DicomAttributes actual, JsonNode want) {
        ATTRIBUTES.forEach((name, getter) -> {
            JsonNode w = want.get(name);
            Object a = getter.apply(actual);
            assertThat(w).as("expected.json has " + name).isNotNull();
            if (w.isNull()) {
                assertThat(a).as(name).isNull();
            } else if (w.isArray()) {
                List<Double> values = new ArrayList<>();
                w.forEach(v -> values.add(v.asDouble()));
                assertThat(a).as(name).isEqualTo(values);
            } else if (w.isInt()) {
                assertThat(a).as(name).isEqualTo(w.asInt());
            } else if (w.isNumber()) {
                assertThat(a).as(name).isEqualTo(w.asDouble());
            } else {
                assertThat(a).as(name).isEqualTo(w.asText());
            }
        });
    }

    private static void assertPixels(DicomFile file, JsonNode want) throws Exception {
        if (want == null) {
            assertThat(file.hasPixelData()).isFalse();
            return;
        }
        assertThat(file.hasPixelData()).isTrue();
        assertThat(file.numberOfFrames()).isEqualTo(want.get("frames").asInt());
        if (want.get("kind").asText().equals("encapsulated")) {
            EncapsulatedPixelData px = file.encapsulatedPixelData().orElseThrow();
            List<Long> bot = new ArrayList<>();
            want.get("basicOffsetTable").forEach(v -> bot.add(v.asLong()));
            assertThat(px.basicOffsetTable()).isEqualTo(bot);
            assertThat(px.fragments().stream().map(DicomReaderPydicomTest::sha256).toList())
                    .containsExactlyElementsOf(texts(want.get("fragmentSha256")));
            if (!want.get("frameSha256").isNull()) {
                List<String> frames = new ArrayList<>();
                for (int i = 0; i < file.numberOfFrames(); i++) {
                    frames.add(sha256(px.frame(i)));
                }
                assertThat(frames).containsExactlyElementsOf(texts(want.get("frameSha256")));
            }
            assertThatThrownBy(() -> file.nativeFrame(0)).isInstanceOf(DicomReadException.class).hasMessageContaining("compressed");
            return;
        }
        if (want.has("missing")) {
            assertThatThrownBy(() -> file.nativeFrame(0)).isInstanceOf(DicomReadException.class)
                    .hasMessageContaining("is missing");
            return;
        }
        List<NativeFrame> frames = file.nativeFrames();
        assertThat(frames.stream().map(f -> sha256(f.data())).toList()).containsExactlyElementsOf(texts(want.get("frameSha256")));
        assertThat(frames.get(0).data().remaining()).isEqualTo(want.get("frameBytes").asInt());
        if (!want.has("modality")) {
            assertThatThrownBy(() -> FrameDecoder.modalityValues(frames.get(0))).isInstanceOf(DicomReadException.class);
            return;
        }
        for (Map.Entry<String, JsonNode> e : want.get("modality").properties()) {
            float[] values = FrameDecoder.modalityValues(frames.get(Integer.parseInt(e.getKey())));
            JsonNode s = e.getValue();
            assertThat(values).hasSize(s.get("count").asInt());
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            double abs = 0;
            for (float v : values) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
                abs += Math.abs(v);
            }
            assertThat(min).as("min of frame " + e.getKey()).isCloseTo(s.get("min").asDouble(), within(tolerance(s.get("min").asDouble())));
            assertThat(max).as("max of frame " + e.getKey()).isCloseTo(s.get("max").asDouble(), within(tolerance(s.get("max").asDouble())));
            assertThat(sum).as("sum of frame " + e.getKey()).isCloseTo(s.get("sum").asDouble(), within(1e-6 * abs + 1e-3));
            s.get("samples").properties().forEach(p -> assertThat((double) values[Integer.parseInt(p.getKey())])
                    .as("value " + p.getKey()).isCloseTo(p.getValue().asDouble(), within(tolerance(p.getValue().asDouble()))));
        }
    }

    private static double tolerance(double v) {
        return 1e-6 * Math.max(1, Math.abs(v));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static String sha256(ByteBuffer buffer) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(buffer.duplicate());
            return HexFormat.of().formatHex(md.digest());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
