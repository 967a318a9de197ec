package io.radflow.worker.postprocess;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import java.util.Locale;
import java.util.Map;

/**
 * How tensor outputs become MD.ai outputs, read from the model args:
 * <ul>
 *   <li>{@code output.activation}: {@code none} (the model outputs probabilities; default),
 *       {@code softmax} or {@code sigmoid}, applied to classification outputs;</li>
 *   <li>{@code mask.threshold}: a segmentation pixel belongs to the mask when its value is above it (default 0.5);</li>
 *   <li>{@code bbox.min.pixels}: smaller connected regions yield no bounding box (default 1).</li>
 * </ul>
 */
public record PostprocessSettings(Activation activation, double maskThreshold, int bboxMinPixels) {

    public static final String OUTPUT_ACTIVATION = "output.activation";
    public static final String MASK_THRESHOLD = "mask.threshold";
    public static final String BBOX_MIN_PIXELS = "bbox.min.pixels";

    /** What to apply to classification scores before they are read as probabilities. */
    public enum Activation { NONE, SOFTMAX, SIGMOID }

    public static PostprocessSettings from(Map<String, String> args) {
        Activation activation = Activation.NONE;
        String a = args.get(OUTPUT_ACTIVATION);
        if (a != null) {
            try {
                activation = Activation.valueOf(a.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new RadflowException(Reason.MALFORMED_EVENT, "arg " + OUTPUT_ACTIVATION + " must be none, softmax or sigmoid, got '" + a + "'");
            }
        }
        double threshold = 0.5;
        String t = args.get(MASK_THRESHOLD);
        if (t != null) {
            try {
                threshold = Double.parseDouble(t.trim());
            } catch (NumberFormatException e) {
                throw new RadflowException(Reason.MALFORMED_EVENT, "arg " + MASK_THRESHOLD + " must be a number, got '" + t + "'");
            }
        }
        int minPixels = 1;
        String m = args.get(BBOX_MIN_PIXELS);
        if (m != null) {
            try {
                minPixels = Integer.parseInt(m.trim());
            } catch (NumberFormatException e) {
                throw new RadflowException(Reason.MALFORMED_EVENT, "arg " + BBOX_MIN_PIXELS + " must be an integer, got '" + m + "'");
            }
        }
        return new PostprocessSettings(activation, threshold, minPixels);
    }
}
