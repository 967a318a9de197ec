package io.radflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReader;
import io.radflow.pixels.DecodedPixels;
import io.radflow.pixels.PixelDecoder;
import io.radflow.pixels.PixelDecoders;
import io.radflow.pixels.image.ImageFrames;
import io.radflow.pixels.image.Window;
import io.radflow.pixels.render.FrameRenderer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./radflow dicom} as a user runs it (Main's command line, in this JVM): dump prints DICOM
 * JSON, render writes the PNG the pre-processing sees and the stored values as .npy (checked with
 * numpy.load against pydicom's pixel_array), and every unusable input is one line on stderr with
 * exit code 2.
 */
class DicomCommandTest {

    private static final Path FILES = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void shouldDumpEveryAttributeAsDicomJson() throws Exception {
        assertThat(run("dicom", "dump", FILES.resolve("CT_small.dcm").toString())).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.fieldNames().next()).isEqualTo("00020000");
        assertThat(json.get("00100010").get("Value").get(0).get("Alphabetic").asText()).isEqualTo("CompressedSamples^CT1");
        assertThat(json.get("00101002").get("vr").asText()).isEqualTo("SQ");
        assertThat(json.get("7FE00010").get("BulkDataLength").asLong()).isEqualTo(32768);
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void shouldRenderWhatThePreProcessingSees() throws Exception {
        Path png = dir.resolve("ct.png");
        Path windowed = dir.resolve("ct-window.png");
        String ct = FILES.resolve("CT_small.dcm").toString();
        assertThat(run("dicom", "render", ct, "--out", png.toString())).as(err.toString()).isZero();
        assertThat(run("dicom", "render", ct, "--window", "40,400", "--out", windowed.toString())).as(err.toString()).isZero();

        DicomFile file = DicomReader.standard().read(FILES.resolve("CT_small.dcm"));
        try (PixelDecoder decoder = PixelDecoders.create()) {
            DecodedPixels pixels = decoder.decode(file);
            assertThat(grey(Files.readAllBytes(png))).isEqualTo(grey(FrameRenderer.png(ImageFrames.of(file, pixels, 0), null)));
            assertThat(grey(Files.readAllBytes(windowed)))
                    .isEqualTo(grey(FrameRenderer.png(ImageFrames.of(file, pixels, 0), new Window(40, 400))))
                    .isNotEqualTo(grey(Files.readAllBytes(png)));
        }
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(128);
        assertThat(image.getHeight()).isEqualTo(128);
    }

    @Test
    void shouldWriteStoredValuesThatNumpyReadsAsPydicomDoes() throws Exception {
        List<String> checks = new ArrayList<>();
        // native monochrome (signed 16-bit), big endian planar RGB, a later frame of a 32-bit
        // multi-frame, and RLE (through the codec process)
        String[][] cases = {{"CT_small.dcm", "1"}, {"MR_small.dcm", "1"}, {"ExplVR_BigEnd.dcm", "1"},
            {"rtdose.dcm", "15"}, {"MR_small_RLE.dcm", "1"}};
        for (String[] c : cases) {
            Path npy = dir.resolve(c[0] + ".npy");
            Path png = dir.resolve(c[0] + ".png");
            assertThat(run("dicom", "render", FILES.resolve(c[0]).toString(), "--frame", c[1], "--raw", npy.toString(),
                    "--out", png.toString())).as(err.toString()).isZero();
            assertThat(png).isNotEmptyFile();
            checks.add(FILES.resolve(c[0]) + "," + (Integer.parseInt(c[1]) - 1) + "," + npy);
        }
        String python = String.join("\n",
                "import sys, numpy, pydicom",
                "for check in sys.argv[1:]:",
                "    path, frame, npy = check.split(',')",
                "    want = pydicom.dcmread(path).pixel_array",
                "    if want.ndim == 3 and want.shape[-1] != 3 or want.ndim == 4:",
                "        want = want[int(frame)]",
                "    got = numpy.load(npy, allow_pickle=False)",
                "    same = (got.dtype.kind, got.dtype.itemsize, got.shape) == (want.dtype.kind, want.dtype.itemsize, want.shape)",
                "    print(('OK ' if same and numpy.array_equal(got, want) else 'DIFF ') + npy, got.dtype, got.shape, want.dtype, want.shape)");
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c", python));
        command.addAll(checks);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(report.lines().filter(l -> l.startsWith("OK ")).count()).as(report).isEqualTo(cases.length);
    }

    @Test
    void shouldRefuseAFileThatIsNotDicomInOneLine() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "no DICOM in here, only words\n");
        assertThat(run("dicom", "render", text.toString(), "--out", dir.resolve("x.png").toString())).isEqualTo(2);
        assertOneLine("radflow dicom render: notes.txt: not a DICOM file");
        err.getBuffer().setLength(0);
        assertThat(run("dicom", "dump", text.toString())).isEqualTo(2);
        assertOneLine("radflow dicom dump: notes.txt: not a DICOM file");
        assertThat(out.toString()).isEmpty();
        assertThat(dir.resolve("x.png")).doesNotExist();
    }

    @Test
    void shouldRefuseAFileWithoutPixelsInOneLine() {
        assertThat(run("dicom", "render", FILES.resolve("test-SR.dcm").toString(), "--raw", dir.resolve("x.npy").toString()))
                .isEqualTo(2);
        assertOneLine("radflow dicom render: test-SR.dcm: has no pixel data (7FE0,0010) to render");
        assertThat(dir.resolve("x.npy")).doesNotExist();
    }

    @Test
    void shouldRefuseAFrameTheFileDoesNotHaveInOneLine() {
        assertThat(run("dicom", "render", FILES.resolve("CT_small.dcm").toString(), "--frame", "2", "--out",
                dir.resolve("x.png").toString())).isEqualTo(2);
        assertOneLine("radflow dicom render: CT_small.dcm: frame 2 requested; the instance has 1 frame (numbered from 1)");
        err.getBuffer().setLength(0);
        assertThat(run("dicom", "render", FILES.resolve("rtdose.dcm").toString(), "--frame", "16", "--out",
                dir.resolve("x.png").toString())).isEqualTo(2);
        assertOneLine("radflow dicom render: rtdose.dcm: frame 16 requested; the instance has 15 frames (numbered from 1)");
        err.getBuffer().setLength(0);
        assertThat(run("dicom", "render", FILES.resolve("CT_small.dcm").toString(), "--frame", "0", "--out",
                dir.resolve("x.png").toString())).isEqualTo(2);
        assertOneLine("radflow dicom render: --frame counts from 1, got 0");
        assertThat(dir.resolve("x.png")).doesNotExist();
    }

    @Test
    void shouldRefuseABadWindowInOneLine() {
        assertThat(run("dicom", "render", FILES.resolve("CT_small.dcm").toString(), "--window", "wide", "--out",
                dir.resolve("x.png").toString())).isEqualTo(2);
        assertOneLine("radflow dicom render: --window: a window is written CENTER,WIDTH (for example 40,400), got 'wide'");
        err.getBuffer().setLength(0);
        assertThat(run("dicom", "render", FILES.resolve("CT_small.dcm").toString(), "--window", "40,0", "--out",
                dir.resolve("x.png").toString())).isEqualTo(2);
        assertOneLine("radflow dicom render: --window: a window needs a finite centre and a width of at least 1");
    }

    @Test
    void shouldAskForAnOutput() {
        assertThat(run("dicom", "render", FILES.resolve("CT_small.dcm").toString())).isEqualTo(2);
        assertOneLine("radflow dicom render: nothing to write: give --out F.png, --raw F.npy or both");
    }

    @Test
    void shouldRefuseAMissingFileInOneLine() {
        assertThat(run("dicom", "dump", dir.resolve("absent.dcm").toString())).isEqualTo(2);
        assertOneLine("radflow dicom dump: absent.dcm: no such file");
    }

    @Test
    void shouldSayInHelpThatFramesCountFromOne() {
        assertThat(run("dicom", "render", "--help")).isZero();
        assertThat(out.toString()).contains("--frame=N").contains("numbered from 1").contains("--raw=F.npy")
                .contains("--out=F.png").contains("--window=C,W");
    }

    private void assertOneLine(String start) {
        String text = err.toString();
        assertThat(text.lines().count()).as(text).isEqualTo(1);
        assertThat(text).startsWith(start).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static int[] grey(byte[] png) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        return image.getRaster().getPixels(0, 0, image.getWidth(), image.getHeight(), (int[]) null);
    }
}
