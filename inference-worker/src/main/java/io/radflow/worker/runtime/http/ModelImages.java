package io.radflow.worker.runtime.http;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.pixels.image.Window;
import io.radflow.pixels.render.FrameRenderer;
import io.radflow.worker.preprocess.DecodedImage;
import io.radflow.worker.preprocess.DicomImages;
import io.radflow.worker.preprocess.PreprocessSettings;
import io.radflow.worker.runtime.ModelFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The images an external model receives for a job's files. By default each frame is rendered as
 * an 8-bit PNG of the frame's own size by {@link FrameRenderer} (greyscale with the VOI window from
 * the args {@code window.center} / {@code window.width}, else the file's, else the frame's range;
 * RGB for colour images), from the same decoded frame an ONNX model's tensor is built from, so the
 * model's pixel coordinates are the frame's. With the arg {@code http.image.format=dicom} each file is sent as
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
        PreprocessSettings settings = PreprocessSettings.from(args);
        Window window = settings.windowCenter() == null ? null : new Window(settings.windowCenter(), settings.windowWidth());
        DecodedImage image = dicom.decode(file.content());
        List<Image> out = new ArrayList<>(image.frames().size());
        for (int k = 0; k < image.frames().size(); k++) {
            out.add(new Image(file, image.geometry().multiFrame() ? k : null, FrameRenderer.png(image.frames().get(k), window)));
        }
        return out;
    }
}
