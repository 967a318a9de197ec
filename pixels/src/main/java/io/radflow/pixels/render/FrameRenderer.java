package io.radflow.pixels.render;

import io.radflow.pixels.image.ImageFrame;
import io.radflow.pixels.image.Voi;
import io.radflow.pixels.image.Window;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Renders one frame as the pre-processing sees it: 8-bit, after the modality LUT and the VOI
 * window ({@link Voi}), greyscale for monochrome images (MONOCHROME1 flipped) and RGB for colour
 * ones. The HTTP model runtime, {@code ./radflow dicom render} and the viewer all draw frames here.
 */
public final class FrameRenderer {

    private FrameRenderer() {
    }

    /** @param window null: the file's window, else the frame's range (ignored for colour frames) */
    public static BufferedImage image(ImageFrame frame, Window window) {
        return image(Voi.toUnit(frame, window), frame.rows(), frame.columns(), frame.channels());
    }

    /** An 8-bit image of display values in [0, 1] (grey when {@code channels} is 1, RGB interleaved when 3). */
    public static BufferedImage image(float[] unit, int rows, int columns, int channels) {
        BufferedImage img = new BufferedImage(columns, rows, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        byte[] pixels = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        if (channels == 1) {
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = toByte(unit[i]);
            }
        } else {
            for (int i = 0; i < pixels.length; i += 3) {
                pixels[i] = toByte(unit[i + 2]); // the raster is B, G, R
                pixels[i + 1] = toByte(unit[i + 1]);
                pixels[i + 2] = toByte(unit[i]);
            }
        }
        return img;
    }

    public static byte[] png(ImageFrame frame, Window window) {
        return png(image(frame, window));
    }

    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding in memory failed", e);
        }
        return out.toByteArray();
    }

    private static byte toByte(float unit) {
        return (byte) Math.round(Math.max(0, Math.min(1, unit)) * 255);
    }
}
