package io.radflow.pixels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.common.error.RadflowException;
import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The decoder against arrays computed without it: every image file of pydicom's test_files
 * (dicomdirtests/ included) and of the codec corpus (src/test/resources/codec-corpus, files in
 * the syntaxes, colour models and bit layouts pydicom's set lacks) is decoded and compared, sample
 * by sample, with src/test/resources/reference (written by src/test/python/reference_arrays.py
 * with pydicom and python3-gdcm). Lossless syntaxes must match exactly, lossy JPEG, JPEG-LS
 * near-lossless and JPEG 2000 within 2. The worst difference of every file is printed.
 *
 * <p>Compared are stored values: Bits Stored at High Bit, sign-extended, read the same way from
 * both sides. Colour is compared in one colour model: the index records the model of the
 * reference array (for example RGB for a YBR_RCT JPEG 2000 file, whose component transform GDCM
 * undoes, or YBR_FULL for YBR_FULL_422, which GDCM and pydicom upsample), and the decoder must
 * report that same model. Uninterleaved JPEG-LS colour is the one place where pydicom's array is
 * wrong (GDCM returns planes); the script re-reads it as planes and says so in the index.
 *
 * <p>Files without a reference (no pixel data, or pydicom cannot read or decode them: truncated,
 * invalid Number of Frames, missing Rows, a JPEG 2000 stream GDCM fails on) must fail here with a
 * {@link RadflowException}; they are listed with pydicom's reason at the end.
 */
class PixelDecoderReferenceTest {

    private static JsonNode index;
    private static Path pydicomRoot;
    private static Path corpus;
    private static Path references;
    private static PixelDecoder decoder;
    private static final Map<String, String> WORST = new TreeMap<>();

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        references = Path.of(PixelDecoderReferenceTest.class.getResource("/reference/index.json").toURI()).getParent();
        corpus = Path.of(PixelDecoderReferenceTest.class.getResource("/codec-corpus/manifest.json").toURI()).getParent();
        try (InputStream in = Files.newInputStream(references.resolve("index.json"))) {
            index = new ObjectMapper().readTree(in);
        }
        pydicomRoot = Path.of(index.get("pydicom_root").asText());
        assertThat(pydicomRoot).as("pydicom's test files at %s are missing: the test command installs them "
                + "(apt-get install python3-pydicom)", pydicomRoot).isDirectory();
        decoder = PixelDecoders.create();
    }

    @AfterAll
    static void report() {
        if (decoder != null) {
            decoder.close();
        }
        StringBuilder sb = new StringBuilder("Worst difference per file (decoder vs reference arrays):\n");
        WORST.forEach((file, worst) -> sb.append(String.format("  %-60s %s%n", file, worst)));
        sb.append("Left out (no reference array), each refused by the decoder too:\n");
        for (JsonNode e : index.get("files")) {
            if (!e.get("status").asText().equals("decoded")) {
                sb.append(String.format("  %-60s %s%n", e.get("set").asText() + "/" + e.get("file").asText(), e.get("why").asText()));
            }
        }
        System.out.print(sb);
    }

    @Test
    void shouldHaveAReferenceEntryForEveryFile() throws IOException {
        for (String set : List.of("pydicom", "corpus")) {
            Path root = set.equals("pydicom") ? pydicomRoot : corpus;
            TreeSet<String> onDisk = new TreeSet<>();
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).filter(PixelDecoderReferenceTest::dicomName)
                        .forEach(onDisk::add);
            }
            TreeSet<String> indexed = new TreeSet<>();
            index.get("files").forEach(e -> {
                if (e.get("set").asText().equals(set)) {
                    indexed.add(e.get("file").asText());
                }
            });
            assertThat(indexed).as("files of %s in reference/index.json (rerun reference_arrays.py)", root).isEqualTo(onDisk);
        }
        long decoded = 0;
        for (JsonNode e : index.get("files")) {
            decoded += e.get("status").asText().equals("decoded") ? 1 : 0;
        }
        assertThat(decoded).as("files with reference arrays").isGreaterThanOrEqualTo(120);
    }

    @TestFactory
    Stream<DynamicTest> shouldDecodeEveryFileAsTheReferenceDoes() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode e : index.get("files")) {
            String set = e.get("set").asText();
            String file = e.get("file").asText();
            Path path = (set.equals("pydicom") ? pydicomRoot : corpus).resolve(file);
            String status = e.get("status").asText();
            if (status.equals("decoded")) {
                tests.add(DynamicTest.dynamicTest(set + "/" + file, () -> compare(set + "/" + file, path, e)));
            } else {
                tests.add(DynamicTest.dynamicTest(set + "/" + file + " (" + status + ")", () -> refused(path)));
            }
        }
        return tests.stream();
    }

    private static void compare(String name, Path path, JsonNode e) throws IOException {
        DicomFile file = DicomReader.standard().read(path);
        DecodedPixels pixels = decoder.decode(file);
        assertThat(pixels.format().photometricInterpretation()).as("%s: colour model of the decoded samples", name)
                .isEqualTo(e.get("colour_model").asText());
        assertThat(pixels.format().samplesPerPixel()).as("samples per pixel").isEqualTo(e.get("samples_per_pixel").asInt());
        assertThat(pixels.format().bitsAllocated()).as("bits allocated").isEqualTo(e.get("bits_allocated").asInt());
        assertThat(pixels.format().pixelRepresentation()).as("pixel representation").isEqualTo(e.get("pixel_representation").asInt());
        assertThat(pixels.frames()).as("frames").hasSize(e.get("frames").asInt());
        assertThat(pixels.format().planarConfiguration()).isZero();

        Npy reference = Npy.readGzip(references.resolve(e.get("reference").asText() + ".npy.gz"));
        long[] actual = StoredValues.of(pixels);
        assertThat(actual.length).as("%s: samples decoded vs in the reference %s", name, reference.descr()).isEqualTo(reference.values().length);
        int allocated = e.get("bits_allocated").asInt();
        int stored = e.get("bits_stored").asInt();
        int high = e.get("high_bit").asInt();
        boolean signed = e.get("pixel_representation").asInt() == 1;
        long worst = 0;
        int at = -1;
        int differing = 0;
        for (int i = 0; i < actual.length; i++) {
            long expected = StoredValues.extract(StoredValues.rawBits(reference.values()[i], allocated), stored, high, signed);
            long d = Math.abs(actual[i] - expected);
            if (d > 0) {
                differing++;
            }
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        boolean lossy = e.get("lossy").asBoolean();
        String summary = "worst " + worst + (at >= 0 ? " at sample " + at + ", " + differing + " of " + actual.length + " differ" : "")
                + (lossy ? " (lossy: at most 2)" : " (lossless: exact)") + ", " + e.get("transfer_syntax").asText() + " "
                + e.get("photometric").asText() + (e.get("photometric").asText().equals(e.get("colour_model").asText())
                ? "" : " decoded as " + e.get("colour_model").asText());
        WORST.put(name, summary);
        System.out.println(name + ": " + summary);
        assertThat(worst).as("%s: largest difference from the reference", name).isLessThanOrEqualTo(lossy ? 2 : 0);
    }

    private static void refused(Path path) {
        assertThatThrownBy(() -> decoder.decode(DicomReader.standard().read(path))).as("%s has no reference array", path)
                .isInstanceOf(RadflowException.class).satisfies(t -> assertThat(t.getMessage()).isNotBlank());
    }

    private static boolean dicomName(String rel) {
        String name = Path.of(rel).getFileName().toString();
        return !(name.endsWith(".json") || name.endsWith(".txt") || name.endsWith(".dump") || name.endsWith(".gz")
                || name.endsWith(".npy") || name.startsWith("README"));
    }
}
