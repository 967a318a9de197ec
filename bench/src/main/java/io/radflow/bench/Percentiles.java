package io.radflow.bench;

import java.util.Collection;

/** Nearest-rank percentiles of a set of measurements. */
public final class Percentiles {

    private final double[] sorted;

    private Percentiles(double[] sorted) {
        this.sorted = sorted;
    }

    public static Percentiles of(Collection<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no measurements");
        }
        return new Percentiles(values.stream().mapToDouble(Double::doubleValue).sorted().toArray());
    }

    /** The smallest value at or above {@code p} percent of the measurements. */
    public double at(double p) {
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    public int count() {
        return sorted.length;
    }
}
