package io.radflow.worker.runtime;

/** The pixel grid of one DICOM instance: every frame has {@code rows x columns} pixels. */
public record ImageGeometry(int rows, int columns, int frames) {

    public ImageGeometry {
        if (rows < 1 || columns < 1 || frames < 1) {
            throw new IllegalArgumentException("rows, columns and frames must be positive: " + rows + "x" + columns + "x" + frames);
        }
    }

    public boolean multiFrame() {
        return frames > 1;
    }
}
