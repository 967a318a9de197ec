package io.radflow.pixels.image;

/**
 * A VOI window in modality units (DICOM PS3.3 C.11.2.1.2, the LINEAR function): values below
 * {@code center - width/2} are black, above {@code center + width/2} white.
 */
public record Window(double center, double width) {

    public Window {
        if (!Double.isFinite(center) || !Double.isFinite(width) || width < 1) {
            throw new IllegalArgumentException("a window needs a finite centre and a width of at least 1, got "
                    + center + "," + width);
        }
    }

    /** Parses {@code C,W} as the command line and the HTTP API write it. */
    public static Window parse(String text) {
        String[] parts = text.split(",");
        if (parts.length != 2) {
            throw new IllegalArgumentException("a window is written CENTER,WIDTH (for example 40,400), got '" + text + "'");
        }
        try {
            return new Window(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a window is written CENTER,WIDTH with two numbers, got '" + text + "'");
        }
    }
}
