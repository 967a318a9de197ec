package io.radflow.worker.runtime.http;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.worker.preprocess.DecodedImage;
import io.radflow.worker.preprocess.DicomImages;
import io.radflow.worker.preprocess.ImagePreprocessor;
import io.radflow.worker.preprocess.PreprocessSettings;
import io.radflow.worker.runtime.ModelFile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The images an external model receives for a job's files. By default each frame is rendered as
 * an 8-bit greyscale PNG of the frame's own size (VOI window from the args {@code window.center}
 * / {@code window.width}, else the file's, else the frame's range), so the model's pixel
 * coordinates are the frame's. With the arg {@code http.image.format=dicom} each file is sent as
 * the DICOM it is, once.
 */
final class ModelImages {

    static final String FORMAT_ARG = "http.image.format";

    private ModelImages() {
    }

    /** One image to send: which file and frame (null: the whole file, or a single-frame one) it shows. */
    record Image(ModelFile file, Integer frameNumber, byte[] bytes) {
    }

    static List<Image> of(ModelFile file, Map<String, String> args, DicomImages dicom) {
        String format = args.getOrDefault(FORMAT_ARG, "png").toLowerCase(Locale.ROOT);
        if (format.equals("dicom")) {
            return List.of(new Image(file, null, file.content()));
        }
        if (!format.equals("png")) {
            throw new RadflowException(Reason.MALFORMED_EVENT, "arg " + FORMAT_ARG + " must be png or dicom, got '" + format + "'");
        }
        PreprocessSettings window = PreprocessSettings.from(args);
        DecodedImage image = dicom.decode(file.content());
        int rows = image.geometry().rows();
        int cols = image.geometry().columns();
        List<Image> out = new ArrayList<>(image.frames().size());
        FloatBuffer values = FloatBuffer.allocate(rows * cols);
        for (int k = 0; k < image.frames().size(); k++) {
            values.clear();
            ImagePreprocessor.write(image.frames().get(k), rows, cols, image.windowCenter(), image.windowWidth(),
                    new PreprocessSettings(window.windowCenter(), window.windowWidth(), 0, 1), 1, rows, cols, values);
            out.add(new Image(file, image.geometry().multiFrame() ? k : null, png(values.array(), rows, cols)));
        }
        return out;
    }

    static byte[] png(float[] unit, int rows, int cols) {
        BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) Math.round(Math.max(0, Math.min(1, unit[i])) * 255);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding in memory failed", e);
        }
        return out.toByteArray();
    }
}
