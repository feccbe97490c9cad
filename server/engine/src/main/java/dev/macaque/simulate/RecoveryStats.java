package dev.macaque.simulate;

import java.util.Arrays;
import java.util.List;

/**
 * Statistics of recovery times in seconds, by the nearest-rank method (each value is one of the measured times, not
 * an interpolation): {@code p = sorted[ceil(p/100 × n) − 1]}. A kill the group never recovered from within the run
 * counts as +∞; over no kills every statistic is NaN (nothing was measured).
 */
public record RecoveryStats(int count, double p50, double p95, double max) {

    public static RecoveryStats of(List<Double> seconds) {
        if (seconds.isEmpty()) {
            return new RecoveryStats(0, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] sorted = seconds.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return new RecoveryStats(sorted.length, rank(sorted, 50), rank(sorted, 95), sorted[sorted.length - 1]);
    }

    private static double rank(double[] sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
