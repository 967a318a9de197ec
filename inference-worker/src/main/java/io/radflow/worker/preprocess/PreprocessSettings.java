package io.radflow.worker.preprocess;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import java.util.Map;

/**
 * How a version wants its frames turned into model input, read from the model args (the version's
 * default args overlaid with the job's):
 * <ul>
 *   <li>{@code window.center}, {@code window.width}: VOI window in modality units; without them the
 *       file's first window, and without that the frame's min-max range;</li>
 *   <li>{@code input.mean}, {@code input.std}: after windowing to [0, 1], {@code (x - mean) / std}
 *       (defaults 0 and 1).</li>
 * </ul>
 */
public record PreprocessSettings(Double windowCenter, Double windowWidth, double mean, double std) {

    public static final String WINDOW_CENTER = "window.center";
    public static final String WINDOW_WIDTH = "window.width";
    public static final String INPUT_MEAN = "input.mean";
    public static final String INPUT_STD = "input.std";

    public static PreprocessSettings from(Map<String, String> args) {
        Double center = number(args, WINDOW_CENTER);
        Double width = number(args, WINDOW_WIDTH);
        if ((center == null) != (width == null)) {
            throw new RadflowException(Reason.MALFORMED_EVENT, "args must set both " + WINDOW_CENTER + " and " + WINDOW_WIDTH + " or neither");
        }
        if (width != null && width < 1) {
            throw new RadflowException(Reason.MALFORMED_EVENT, "arg " + WINDOW_WIDTH + " must be at least 1, got " + width);
        }
        Double mean = number(args, INPUT_MEAN);
        Double std = number(args, INPUT_STD);
        if (std != null && std == 0) {
            throw new RadflowException(Reason.MALFORMED_EVENT, "arg " + INPUT_STD + " must not be 0");
        }
        return new PreprocessSettings(center, width, mean == null ? 0 : mean, std == null ? 1 : std);
    }

    static Double number(Map<String, String> args, String key) {
        String v = args.get(key);
        if (v == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new RadflowException(Reason.MALFORMED_EVENT, "arg " + key + " must be a number, got '" + v + "'");
        }
    }
}
