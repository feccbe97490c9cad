package dev.macaque.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads JMH JSON results and prints every benchmark's score next to its baseline's from the same file, as a
 * Markdown table. Which benchmark is whose baseline, and which parameters must match, is fixed here; ratios are
 * always computed within one file (one run), never across runs.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.macaque.benchmarks.report.BaselineRatios result.json...}
 */
public final class BaselineRatios {

    /**
     * One pairing.
     *
     * @param benchmark   the measured benchmark (class.method, without the package)
     * @param baseline    its baseline in the same class
     * @param matchParams parameters the baseline must share with it (the baseline may have fewer)
     * @param fixedParams parameters the baseline must have with exactly these values
     * @param reading     how to read the ratio
     */
    record Pairing(String benchmark, String baseline, List<String> matchParams, Map<String, String> fixedParams,
                   String reading) {
    }

    static final List<Pairing> PAIRINGS = List.of(
            new Pairing("selection.TargetSelectionBenchmark.select", "selection.TargetSelectionBenchmark.floor",
                    List.of("groups", "instancesPerGroup"), Map.of(), "× floor time (target ≤ 3 for k ≤ 100)"),
            new Pairing("selection.TargetSelectionBenchmark.naive", "selection.TargetSelectionBenchmark.select",
                    List.of("groups", "instancesPerGroup", "k"), Map.of("targets", "regionAndTag"), "× engine time = engine speed-up (target ≥ 100 at 1,000,000 / 10,000)"),
            new Pairing("simulator.SimulatorThroughputBenchmark.world", "simulator.SimulatorThroughputBenchmark.priorityQueueFloor",
                    List.of("groups"), Map.of(), "× floor events/s (target ≥ 0.33)"),
            new Pairing("fleet.FleetScaleBenchmark.chaosMonth", "fleet.FleetScaleBenchmark.worldOnlyMonth",
                    List.of("groups", "days", "regions"), Map.of(), "× world-only time"),
            new Pairing("recovery.RecoveryVerificationBenchmark.experimentRun", "recovery.RecoveryVerificationBenchmark.worldOnly",
                    List.of("groups", "kills"), Map.of(), "× world-only rate"));

    private static final String PACKAGE = "dev.macaque.benchmarks.";

    /** One result of a JMH JSON file. */
    record Result(String benchmark, String mode, Map<String, String> params, double score, double error, String unit,
                  Map<String, Double> secondary) {

        String paramText() {
            List<String> parts = new ArrayList<>();
            params.forEach((name, value) -> parts.add(name + "=" + value));
            return String.join(", ", parts);
        }
    }

    private BaselineRatios() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: BaselineRatios <jmh-result.json>...");
            System.exit(2);
        }
        for (String file : args) {
            print(Path.of(file), System.out);
        }
    }

    static void print(Path file, PrintStream out) throws IOException {
        List<Result> results = read(file);
        out.println("### " + file.getFileName());
        out.println();
        out.println("| Benchmark | Params | Score ± error | Baseline score | Ratio | Alloc B/op | Counters |");
        out.println("|---|---|---|---|---|---|---|");
        for (Result result : results) {
            Optional<Pairing> pairing = PAIRINGS.stream().filter(p -> p.benchmark().equals(result.benchmark())).findFirst();
            String baselineScore = "";
            String ratio = "";
            if (pairing.isPresent()) {
                Optional<Result> baseline = baselineOf(result, pairing.get(), results);
                if (baseline.isPresent()) {
                    baselineScore = number(baseline.get().score()) + " " + baseline.get().unit();
                    ratio = String.format(Locale.ROOT, "%.3g %s", result.score() / baseline.get().score(), pairing.get().reading());
                } else {
                    ratio = "baseline not in this run";
                }
            }
            Double allocation = result.secondary().get("gc.alloc.rate.norm");
            List<String> counters = new ArrayList<>();
            result.secondary().forEach((name, value) -> {
                if (!name.startsWith("gc.") && !name.startsWith("·")) {
                    counters.add(name + "=" + number(value));
                }
            });
            out.printf(Locale.ROOT, "| %s | %s | %s ± %s %s | %s | %s | %s | %s |%n", result.benchmark(), result.paramText(),
                    number(result.score()), number(result.error()), result.unit(), baselineScore, ratio,
                    allocation == null ? "" : number(allocation), String.join(", ", counters));
        }
        out.println();
    }

    static Optional<Result> baselineOf(Result result, Pairing pairing, List<Result> results) {
        return results.stream()
                .filter(r -> r.benchmark().equals(pairing.baseline()))
                .filter(r -> pairing.fixedParams().entrySet().stream()
                        .allMatch(p -> p.getValue().equals(r.params().get(p.getKey()))))
                .filter(r -> pairing.matchParams().stream()
                        .allMatch(p -> !r.params().containsKey(p) || r.params().get(p).equals(result.params().get(p))))
                .findFirst();
    }

    static List<Result> read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (root == null || !root.isArray()) {
            throw new IOException(file + " is not a JMH JSON result (expected a top-level array)");
        }
        List<Result> results = new ArrayList<>();
        for (JsonNode node : root) {
            String benchmark = node.path("benchmark").asText();
            Map<String, String> params = new TreeMap<>();
            node.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
            JsonNode primary = node.path("primaryMetric");
            Map<String, Double> secondary = new TreeMap<>();
            node.path("secondaryMetrics").fields().forEachRemaining(e -> secondary.put(e.getKey(), e.getValue().path("score").asDouble()));
            results.add(new Result(benchmark.startsWith(PACKAGE) ? benchmark.substring(PACKAGE.length()) : benchmark,
                    node.path("mode").asText(), params, primary.path("score").asDouble(),
                    primary.path("scoreError").asDouble(Double.NaN), primary.path("scoreUnit").asText(), secondary));
        }
        return results;
    }

    private static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }
}
