package io.radflow.worker.runtime;

/**
 * The statistics the test models (the MD.ai intensity package, the V7 test server) compute on one
 * frame, computed here in plain Java as the reference: the share of pixels above the mean, the
 * box of the pixels above t = (min + max) / 2 and their mask, and the first brightest pixel
 * (row-major). An empty box has width and height 0.
 */
public record FrameStats(double fractionAboveMean, int boxX, int boxY, int boxWidth, int boxHeight, int peakX, int peakY,
                         int rows, int columns, byte[] mask) {

    public static FrameStats of(double[] v, int rows, int columns) {
        double sum = 0;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        int peak = 0;
        for (int i = 0; i < v.length; i++) {
            sum += v[i];
            lo = Math.min(lo, v[i]);
            if (v[i] > hi) {
                hi = v[i];
                peak = i;
            }
        }
        double mean = sum / v.length;
        double t = (lo + hi) / 2;
        int above = 0;
        int minR = Integer.MAX_VALUE;
        int maxR = -1;
        int minC = Integer.MAX_VALUE;
        int maxC = -1;
        byte[] mask = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] > mean) {
                above++;
            }
            if (v[i] > t) {
                mask[i] = 1;
                minR = Math.min(minR, i / columns);
                maxR = Math.max(maxR, i / columns);
                minC = Math.min(minC, i % columns);
                maxC = Math.max(maxC, i % columns);
            }
        }
        boolean empty = maxR < 0;
        return new FrameStats((double) above / v.length, empty ? 0 : minC, empty ? 0 : minR, empty ? 0 : maxC - minC + 1,
                empty ? 0 : maxR - minR + 1, peak % columns, peak / columns, rows, columns, mask);
    }
}
