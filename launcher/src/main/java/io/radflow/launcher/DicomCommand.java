package io.radflow.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReader;
import io.radflow.dicomtools.DicomDump;
import io.radflow.dicomtools.NpyArray;
import io.radflow.dicomtools.StoredValues;
import io.radflow.pixels.DecodedPixels;
import io.radflow.pixels.PixelDecoder;
import io.radflow.pixels.PixelDecoders;
import io.radflow.pixels.image.ImageFrames;
import io.radflow.pixels.image.Window;
import io.radflow.pixels.render.FrameRenderer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./radflow dicom}: what a DICOM file holds, and a frame as a model sees it. Input that
 * cannot be used (not DICOM, no pixels, a frame it does not have, a bad option value) is one line
 * on stderr and exit code 2; the work itself is in the dicom-tools and pixels modules.
 */
@Command(name = "dicom", mixinStandardHelpOptions = true,
        description = "Look into a DICOM file: every attribute (dump), or one frame as the model's pre-processing sees it (render).",
        subcommands = {DicomCommand.Dump.class, DicomCommand.Render.class})
public final class DicomCommand implements Runnable {

    /** Exit code for input that cannot be used, as for bad configuration. */
    static final int EXIT_BAD_INPUT = Main.EXIT_BAD_CONFIG;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: dump or render");
    }

    /** One line on stderr; exit code 2 when the input is at fault, 1 when this installation is (codec processes cannot run). */
    static int fail(CommandSpec spec, RadflowException e, Path file) {
        boolean input = e.reason() == Reason.UNREADABLE_DICOM || e.reason() == Reason.UNSUPPORTED_TRANSFER_SYNTAX;
        return fail(spec, file.getFileName() + ": " + e.getMessage(), input ? EXIT_BAD_INPUT : 1);
    }

    static int fail(CommandSpec spec, String message, int exitCode) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(spec.commandLine().getColorScheme().errorText(spec.qualifiedName() + ": " + message));
        err.flush();
        return exitCode;
    }

    @Command(name = "dump", mixinStandardHelpOptions = true,
            description = {"Print every attribute of FILE as DICOM JSON (PS3.18 F.2), file meta information first, "
                    + "nested sequences included.",
                "Binary values over 1024 bytes (pixel data among them) are left out; \"BulkDataLength\" gives their "
                        + "length in bytes (a Radflow extension that DICOM JSON readers ignore)."})
    static final class Dump implements Callable<Integer> {

        private static final ObjectMapper JSON = new ObjectMapper();

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "A DICOM file (Part 10, or a bare data set).")
        Path file;

        @Override
        public Integer call() throws IOException {
            ObjectNode json;
            try {
                json = DicomDump.of(file);
            } catch (RadflowException e) {
                return fail(spec, e, file);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
            out.flush();
            return 0;
        }
    }

    @Command(name = "render", mixinStandardHelpOptions = true,
            description = {"Write one frame of FILE as the model's pre-processing sees it (--out), its stored values "
                    + "(--raw), or both.",
                "--out: an 8-bit PNG after the modality LUT (rescale slope and intercept) and the VOI window; "
                        + "MONOCHROME1 is flipped, colour is RGB.",
                "--raw: a NumPy .npy array of the stored values after decompression and before any LUT, in the "
                        + "file's own type (int16, uint16, uint8, ...; 1-bit as uint8), rows x columns (x 3 for colour); "
                        + "numpy.load reads it."})
    static final class Render implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "A DICOM file with pixel data, any transfer syntax GDCM decodes.")
        Path file;

        @Option(names = "--frame", paramLabel = "N", defaultValue = "1",
                description = "Frame to write, numbered from 1 (default: ${DEFAULT-VALUE}).")
        int frame;

        @Option(names = "--window", paramLabel = "C,W",
                description = "VOI window centre and width in modality units, e.g. 40,400 for CT soft tissue "
                        + "(default: the file's first window, else the frame's range; colour frames are not windowed).")
        String window;

        @Option(names = "--out", paramLabel = "F.png", description = "PNG to write.")
        Path out;

        @Option(names = "--raw", paramLabel = "F.npy", description = "NumPy .npy file to write.")
        Path raw;

        @Override
        public Integer call() {
            if (out == null && raw == null) {
                return fail(spec, "nothing to write: give --out F.png, --raw F.npy or both", EXIT_BAD_INPUT);
            }
            if (frame < 1) {
                return fail(spec, "--frame counts from 1, got " + frame, EXIT_BAD_INPUT);
            }
            Window voi = null;
            if (window != null) {
                try {
                    voi = Window.parse(window);
                } catch (IllegalArgumentException e) {
                    return fail(spec, "--window: " + e.getMessage(), EXIT_BAD_INPUT);
                }
            }
            byte[] png = null;
            byte[] npy = null;
            try {
                DicomFile dicom = DicomReader.standard().read(file);
                String refusal = refusal(dicom);
                if (refusal != null) {
                    return fail(spec, file.getFileName() + ": " + refusal, EXIT_BAD_INPUT);
                }
                try (PixelDecoder decoder = PixelDecoders.create()) {
                    DecodedPixels pixels = decoder.decode(dicom);
                    if (raw != null) {
                        npy = npy(StoredValues.of(pixels, frame - 1));
                    }
                    if (out != null) {
                        png = FrameRenderer.png(ImageFrames.of(dicom, pixels, frame - 1), voi);
                    }
                }
            } catch (RadflowException e) {
                return fail(spec, e, file);
            }
            // Both are made before either is written: a failure leaves no half of the result behind.
            return write(raw, npy) && write(out, png) ? 0 : 1;
        }

        /** Why the file cannot be rendered before decoding anything, or null. */
        private String refusal(DicomFile dicom) {
            if (!dicom.hasPixelData()) {
                return dicom.containsPixelData()
                        ? "holds Float or Double Float Pixel Data, which has no stored integer values to render"
                        : "has no pixel data (7FE0,0010) to render (SOP class " + dicom.attributes().sopClassUid() + ")";
            }
            int frames = dicom.numberOfFrames();
            if (frame > frames) {
                return "frame " + frame + " requested; the instance has " + frames + " frame" + (frames == 1 ? "" : "s")
                        + " (numbered from 1)";
            }
            return null;
        }

        private static byte[] npy(NpyArray array) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                array.writeTo(bytes);
            } catch (IOException e) {
                throw new IllegalStateException("writing to memory failed", e);
            }
            return bytes.toByteArray();
        }

        private boolean write(Path target, byte[] bytes) {
            if (target == null) {
                return true;
            }
            try {
                Files.write(target, bytes);
                return true;
            } catch (IOException e) {
                fail(spec, "cannot write " + target + ": " + e, 1);
                return false;
            }
        }
    }
}
