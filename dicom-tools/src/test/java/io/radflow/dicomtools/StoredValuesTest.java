package io.radflow.dicomtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReadException;
import io.radflow.dicom.DicomReader;
import io.radflow.dicom.NativeFrame;
import io.radflow.dicom.PixelFormat;
import io.radflow.pixels.DecodedPixels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stored values as .npy, checked by numpy.load against pydicom's pixel_array on every native
 * layout of pydicom's test files: signed and unsigned 16-bit, 8-bit, 32-bit multi-frame, 1-bit,
 * big endian, planar RGB, YBR_FULL_422 still subsampled, deflated.
 */
class StoredValuesTest {

    private static final Path FILES = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

    /** File and frame (zero-based; -1 where pydicom's pixel_array has no frame axis). */
    private static final List<Object[]> CASES = List.of(
            new Object[] {"CT_small.dcm", -1},
            new Object[] {"MR_small.dcm", -1},
            new Object[] {"MR_small_bigendian.dcm", -1},
            new Object[] {"MR_small_implicit.dcm", -1},
            new Object[] {"MR_small_padded.dcm", -1},
            new Object[] {"ExplVR_BigEnd.dcm", -1},
            new Object[] {"SC_rgb_jpeg_dcmd.dcm", -1},
            new Object[] {"SC_rgb_small_odd.dcm", -1},
            new Object[] {"SC_ybr_full_422_uncompressed.dcm", -1},
            new Object[] {"image_dfl.dcm", -1},
            new Object[] {"liver_1frame.dcm", -1},
            new Object[] {"liver_expb_1frame.dcm", -1},
            new Object[] {"rtdose.dcm", 0},
            new Object[] {"rtdose.dcm", 14},
            new Object[] {"rtdose_expb.dcm", 7},
            new Object[] {"rtdose_1frame.dcm", -1});

    @Test
    void shouldHoldWhatPydicomsPixelArrayHolds(@TempDir Path dir) throws Exception {
        List<String> args = new ArrayList<>();
        args.add("/usr/bin/python3");
        args.add(script(dir).toString());
        for (Object[] c : CASES) {
            String name = (String) c[0];
            int frame = (int) c[1];
            Path npy = dir.resolve(name + "." + frame + ".npy");
            DicomFile file = DicomReader.standard().read(FILES.resolve(name));
            DecodedPixels pixels = new DecodedPixels(file.pixelFormat(), file.nativeFrames());
            try (OutputStream out = Files.newOutputStream(npy)) {
                StoredValues.of(pixels, Math.max(frame, 0)).writeTo(out);
            }
            args.add(FILES.resolve(name).toString());
            args.add(Integer.toString(frame));
            args.add(npy.toString());
        }
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output.lines().filter(l -> l.startsWith("OK ")).count()).as(output).isEqualTo(CASES.size());
    }

    @Test
    void shouldWriteTheTypeAndShapeOfTheFile() {
        DicomFile ct = DicomReader.standard().read(FILES.resolve("CT_small.dcm"));
        NpyArray a = StoredValues.of(new DecodedPixels(ct.pixelFormat(), ct.nativeFrames()), 0);
        assertThat(a.headerDict()).isEqualTo("{'descr': '<i2', 'fortran_order': False, 'shape': (128, 128), }");
        DicomFile rgb = DicomReader.standard().read(FILES.resolve("ExplVR_BigEnd.dcm"));
        NpyArray c = StoredValues.of(new DecodedPixels(rgb.pixelFormat(), rgb.nativeFrames()), 0);
        assertThat(c.headerDict()).isEqualTo("{'descr': '|u1', 'fortran_order': False, 'shape': (60, 80, 3), }");
        DicomFile dose = DicomReader.standard().read(FILES.resolve("rtdose.dcm"));
        NpyArray d = StoredValues.of(new DecodedPixels(dose.pixelFormat(), dose.nativeFrames()), 3);
        assertThat(d.descr()).isEqualTo("<u4");
    }

    @Test
    void shouldMaskToBitsStoredAndSignExtend() {
        // 12 bits stored at high bit 11, signed, with garbage in the top nibble: 0xF800 -> -2048, 0x07FF -> 2047, 0xA001 -> 1
        PixelFormat f = new PixelFormat(1, 3, 1, 16, 12, 11, 1, "MONOCHROME2", 0, 1, 0, List.of(), List.of(),
                ByteOrder.LITTLE_ENDIAN);
        ByteBuffer data = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0xF800)
                .putShort((short) 0x07FF).putShort((short) 0xA001).flip();
        NpyArray a = StoredValues.of(new DecodedPixels(f, List.of(new NativeFrame(0, f, data))), 0);
        ByteBuffer values = ByteBuffer.wrap(a.data()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new short[] {values.getShort(), values.getShort(), values.getShort()}).containsExactly(-2048, 2047, 1);
        assertThat(a.descr()).isEqualTo("<i2");
    }

    @Test
    void shouldAlignTheDataToSixtyFourBytes() throws IOException {
        for (int columns = 1; columns < 200; columns += 37) {
            NpyArray a = new NpyArray("|u1", new int[] {1, columns}, new byte[columns]);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            a.writeTo(out);
            byte[] bytes = out.toByteArray();
            int headerLength = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
            assertThat((10 + headerLength) % 64).isZero();
            assertThat(bytes[10 + headerLength - 1]).isEqualTo((byte) '\n');
            assertThat(bytes.length).isEqualTo(10 + headerLength + columns);
        }
        assertThat(new NpyArray("<u2", new int[] {3}, new byte[6]).headerDict()).contains("'shape': (3,)");
    }

    @Test
    void shouldRefuseAFrameTheInstanceDoesNotHave() {
        DicomFile ct = DicomReader.standard().read(FILES.resolve("CT_small.dcm"));
        DecodedPixels pixels = new DecodedPixels(ct.pixelFormat(), ct.nativeFrames());
        assertThatThrownBy(() -> StoredValues.of(pixels, 1)).isInstanceOf(DicomReadException.class)
                .hasMessage("frame 2 requested; the instance has 1 frame(s)");
    }

    private static Path script(Path dir) throws IOException {
        Path script = dir.resolve("compare_with_pydicom.py");
        try (var in = StoredValuesTest.class.getResourceAsStream("/npy/compare_with_pydicom.py")) {
            Files.copy(in, script);
        }
        return script;
    }
}
