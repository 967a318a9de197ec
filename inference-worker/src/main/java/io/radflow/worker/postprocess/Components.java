package io.radflow.worker.postprocess;

import java.util.ArrayList;
import java.util.List;

/** 4-connected regions of a binary mask, in raster order of their first pixel. */
final class Components {

    private Components() {
    }

    /** Each region as the row-major indices of its pixels. */
    static List<int[]> of(boolean[] mask, int rows, int columns) {
        boolean[] seen = new boolean[mask.length];
        List<int[]> regions = new ArrayList<>();
        int[] stack = new int[mask.length];
        for (int start = 0; start < mask.length; start++) {
            if (!mask[start] || seen[start]) {
                continue;
            }
            int top = 0;
            stack[top++] = start;
            seen[start] = true;
            int[] pixels = new int[16];
            int n = 0;
            while (top > 0) {
                int p = stack[--top];
                if (n == pixels.length) {
                    pixels = java.util.Arrays.copyOf(pixels, n * 2);
                }
                pixels[n++] = p;
                int r = p / columns;
                int c = p % columns;
                if (r + 1 < rows) {
                    top = push(mask, seen, stack, top, p + columns);
                }
                if (r > 0) {
                    top = push(mask, seen, stack, top, p - columns);
                }
                if (c + 1 < columns) {
                    top = push(mask, seen, stack, top, p + 1);
                }
                if (c > 0) {
                    top = push(mask, seen, stack, top, p - 1);
                }
            }
            regions.add(java.util.Arrays.copyOf(pixels, n));
        }
        return regions;
    }

    private static int push(boolean[] mask, boolean[] seen, int[] stack, int top, int q) {
        if (mask[q] && !seen[q]) {
            seen[q] = true;
            stack[top++] = q;
        }
        return top;
    }
}
