package io.radflow.pixels.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReader;
import io.radflow.dicom.FrameDecoder;
import io.radflow.dicom.NativeFrame;
import io.radflow.pixels.DecodedPixels;
import io.radflow.pixels.render.FrameRenderer;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Colour models to RGB, palettes, MONOCHROME1 and rendering, on native files (no codec process needed). */
class ImageFramesTest {

    private static final Path PYDICOM = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

    @Test
    void shouldConvertYbrFullToRgbWithTheStandardsEquations() {
        // RGB (255, 0, 0) is Y 76.245, Cb 84.972, Cr 255.5 (PS3.3 C.7.6.3.1.2); grey stays grey.
        float[] v = {76.245f, 84.972f, 255.5f, 128, 128, 128};
        ImageFrames.ybrFullToRgb(v, 255);
        assertThat(v).containsExactly(255f, 0f, 0f, 128f, 128f, 128f);
    }

    @Test
    void shouldMapPaletteIndicesThroughTheFilesLookupTables() throws Exception {
        DicomFile file = read("palette-ct-small.dcm");
        assertThat(file.palette()).isPresent();
        ImageFrame frame = ImageFrames.of(file, nativePixels(file), 0);
        assertThat(frame.channels()).isEqualTo(3);
        assertThat(frame.maxSample()).isEqualTo(65535);
        // The generator's ramp: red = index * 257, blue = (255 - index) * 257.
        NativeFrame indices = file.nativeFrame(0);
        float[] stored = FrameDecoder.modalityValues(indices);
        for (int i : new int[] {0, 1000, 16383}) {
            int index = (int) stored[i];
            assertThat(frame.values()[3 * i]).isEqualTo(index * 257f);
            assertThat(frame.values()[3 * i + 2]).isEqualTo((255 - index) * 257f);
        }
    }

    @Test
    void shouldMarkMonochrome1AsInvertedAndRenderItDarkWhereValuesAreHigh() throws Exception {
        DicomFile ct = DicomReader.standard().read(PYDICOM.resolve("CT_small.dcm"));
        ImageFrame frame = ImageFrames.of(ct, nativePixels(ct), 0);
        assertThat(frame.inverted()).isFalse();
        ImageFrame flipped = new ImageFrame(frame.rows(), frame.columns(), 1, frame.values(), true, null, null, frame.maxSample());
        float[] normal = Voi.toUnit(new ImageFrame(frame.rows(), frame.columns(), 1, frame.values(), false, null, null, 1), null);
        float[] inverted = Voi.toUnit(flipped, null);
        for (int i = 0; i < normal.length; i += 97) {
            assertThat(inverted[i]).isCloseTo(1 - normal[i], within(1e-6f));
        }
    }

    @Test
    void shouldRenderGreyForMonochromeAndRgbForColour() throws Exception {
        DicomFile ct = DicomReader.standard().read(PYDICOM.resolve("CT_small.dcm"));
        BufferedImage grey = FrameRenderer.image(ImageFrames.of(ct, nativePixels(ct), 0), new Window(40, 400));
        assertThat(grey.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        assertThat(grey.getWidth()).isEqualTo(128);

        DicomFile palette = read("palette-ct-small.dcm");
        BufferedImage colour = FrameRenderer.image(ImageFrames.of(palette, nativePixels(palette), 0), null);
        assertThat(colour.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
        int index = (int) FrameDecoder.modalityValues(palette.nativeFrame(0))[0];
        int rgb = colour.getRGB(0, 0);
        assertThat((rgb >> 16) & 0xFF).isEqualTo(index);
        assertThat(rgb & 0xFF).isEqualTo(255 - index);
    }

    @Test
    void shouldParseWindowsAsTheCommandLineWritesThem() {
        assertThat(Window.parse("40,400")).isEqualTo(new Window(40, 400));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Window.parse("40"))
                .hasMessageContaining("CENTER,WIDTH");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Window.parse("40,0"))
                .hasMessageContaining("width of at least 1");
    }

    private static DecodedPixels nativePixels(DicomFile file) {
        return new DecodedPixels(file.pixelFormat(), file.nativeFrames());
    }

    private static DicomFile read(String resource) throws Exception {
        try (InputStream in = ImageFramesTest.class.getResourceAsStream(resource)) {
            return DicomReader.standard().read(in.readAllBytes());
        }
    }
}
