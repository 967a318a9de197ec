package io.radflow.worker.runtime;

import java.util.List;

/** The {@code data} of an annotation; which kind is allowed depends on the label's annotation mode. */
public sealed interface OutputData {

    /** Binary mask of one frame: rows x columns, row-major, one byte per pixel (0 or 1). */
    record MaskData(int rows, int columns, byte[] pixels) implements OutputData {
    }

    /** Axis-aligned box in pixel coordinates: top-left corner and size. */
    record BoxData(double x, double y, double width, double height) implements OutputData {
    }

    /** Ordered vertices of a polygon, freeform shape or line. */
    record VerticesData(List<PointData> vertices) implements OutputData {

        public VerticesData {
            vertices = List.copyOf(vertices);
        }
    }

    /** One location in pixel coordinates. */
    record PointData(double x, double y) implements OutputData {
    }
}
