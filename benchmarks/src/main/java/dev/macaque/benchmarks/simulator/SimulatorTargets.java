package dev.macaque.benchmarks.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints issue 21's simulator row from one JMH JSON file of {@link SimulatorThroughputBenchmark}: the world's
 * events/s against the bare {@code PriorityQueue} floor's of the same run, beside each target and whether it is met.
 * Targets: ratio ≥ {@value #MIN_RATIO} at 1,000 and at 100,000 groups; flat from 1,000 to 100,000 groups (here: the
 * ratio at 100,000 is at least {@value #FLAT} of the ratio at 1,000); 1,000,000 groups runs in the fork's heap.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.macaque.benchmarks.simulator.SimulatorTargets result.json}
 */
public final class SimulatorTargets {
    static final double MIN_RATIO = 0.33;
    static final double FLAT = 0.8;
    private static final String WORLD = "simulator.SimulatorThroughputBenchmark.world";
    private static final String FLOOR = "simulator.SimulatorThroughputBenchmark.priorityQueueFloor";

    private SimulatorTargets() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: SimulatorTargets result.json");
        }
        print(new ObjectMapper().readTree(Path.of(args[0]).toFile()), System.out);
    }

    /** Scores (events/s) by groups of {@code benchmark} in a JMH result array. */
    static Map<Integer, double[]> scores(JsonNode results, String benchmark) {
        Map<Integer, double[]> byGroups = new TreeMap<>();
        for (JsonNode result : results) {
            if (result.path("benchmark").asText().endsWith(benchmark)) {
                JsonNode metric = result.path("primaryMetric");
                byGroups.put(result.path("params").path("groups").asInt(),
                        new double[] {metric.path("score").asDouble(), metric.path("scoreError").asDouble()});
            }
        }
        return byGroups;
    }

    private static String error(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%,.0f", value) : "n/a";
    }

    static void print(JsonNode results, PrintStream out) {
        Map<Integer, double[]> world = scores(results, WORLD);
        Map<Integer, double[]> floor = scores(results, FLOOR);
        out.println("Simulator events/s vs the bare PriorityQueue floor (same run):");
        Double small = null;
        Double large = null;
        for (int groups : List.of(1_000, 100_000, 1_000_000)) {
            double[] w = world.get(groups);
            double[] f = floor.get(groups);
            if (w == null || f == null) {
                out.printf(Locale.ROOT, "  %,9d groups: %s%n", groups, groups == 1_000_000
                        ? "world did not run (out of memory in its fork, or excluded) -> 1,000,000 groups in 2 GiB: not met"
                        : "not in this run");
                continue;
            }
            double ratio = w[0] / f[0];
            if (groups == 1_000) {
                small = ratio;
            } else if (groups == 100_000) {
                large = ratio;
            }
            String verdict = groups == 1_000_000 ? "ran in the fork's heap: met (ratio for information)"
                    : "target >= " + MIN_RATIO + ": " + (ratio >= MIN_RATIO ? "met" : "not met");
            out.printf(Locale.ROOT, "  %,9d groups: world %,.0f ± %s ev/s, floor %,.0f ± %s ev/s, ratio %.3f; %s%n",
                    groups, w[0], error(w[1]), f[0], error(f[1]), ratio, verdict);
        }
        if (small != null && large != null) {
            out.printf(Locale.ROOT, "  flat 1,000 -> 100,000: ratio at 100,000 is %.2f of the ratio at 1,000 (target >= %.1f): %s%n",
                    large / small, FLAT, large / small >= FLAT ? "met" : "not met");
        }
    }
}
