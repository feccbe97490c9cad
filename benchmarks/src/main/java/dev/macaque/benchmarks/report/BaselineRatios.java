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
 * <p>Usage: {@code java -cp benchmarks.jar dev.macaque.benchmarks.report.BaselineRatios result.json...}; after the
 * tables it prints issue 21's targets ({@link #TARGETS}) beside their figures, met or not.
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
            new Pairing("selection.TargetSelectionBenchmark.selectList", "selection.TargetSelectionBenchmark.floor",
                    List.of("groups", "instancesPerGroup"), Map.of(), "× floor time (over the plain list)"),
            new Pairing("selection.TargetSelectionBenchmark.indexBuild", "selection.TargetSelectionBenchmark.floor",
                    List.of("groups", "instancesPerGroup"), Map.of(), "× floor time (building the index, once per snapshot)"),
            new Pairing("selection.TargetSelectionBenchmark.naive", "selection.TargetSelectionBenchmark.select",
                    List.of("groups", "instancesPerGroup", "k"), Map.of("targets", "regionAndTag"), "× engine time = engine speed-up (target ≥ 100 at 1,000,000 / 10,000)"),
            new Pairing("simulator.SimulatorThroughputBenchmark.world", "simulator.SimulatorThroughputBenchmark.priorityQueueFloor",
                    List.of("groups"), Map.of(), "× floor events/s (target ≥ 0.33)"),
            new Pairing("fleet.FleetScaleBenchmark.chaosMonth", "fleet.FleetScaleBenchmark.worldOnlyMonth",
                    List.of("groups", "days", "regions"), Map.of(), "× world-only time"),
            new Pairing("recovery.RecoveryVerificationBenchmark.experimentRun", "recovery.RecoveryVerificationBenchmark.worldOnly",
                    List.of("groups", "kills"), Map.of(), "× world-only rate"));

    /** How a target reads a result against its baseline. */
    enum Measure {
        /** score / baseline score */
        RATIO,
        /** score − baseline score, in the score's unit (an absolute overhead) */
        DIFFERENCE
    }

    /**
     * One target of issue 21's table, checked on one measured result against its pairing's baseline in the same file.
     *
     * @param row       the table row, as a person reads it
     * @param benchmark the measured benchmark (class.method, without the package)
     * @param params    parameters the result must have with exactly these values
     * @param measure   ratio or difference to the baseline
     * @param atMost    {@code true}: met when the figure is at most {@code bound}; {@code false}: at least
     * @param bound     the target
     */
    record Target(String row, String benchmark, Map<String, String> params, Measure measure, boolean atMost, double bound) {
        String text() {
            return (atMost ? "≤ " : "≥ ") + number(bound) + (measure == Measure.RATIO ? "×" : " (absolute overhead)");
        }
    }

    static final List<Target> TARGETS = List.of(
            new Target("selection vs floor, k = 100, regionAndTag, 1,000 groups", "selection.TargetSelectionBenchmark.select",
                    Map.of("groups", "1000", "k", "100", "targets", "regionAndTag"), Measure.DIFFERENCE, true, 5),
            new Target("selection vs floor, k = 100, regionAndTag, 100,000 groups", "selection.TargetSelectionBenchmark.select",
                    Map.of("groups", "100000", "k", "100", "targets", "regionAndTag"), Measure.RATIO, true, 3),
            new Target("selection vs floor, k = 100, regionAndTag, 1,000,000 groups", "selection.TargetSelectionBenchmark.select",
                    Map.of("groups", "1000000", "k", "100", "targets", "regionAndTag"), Measure.RATIO, true, 3),
            new Target("selection vs naive, 1,000,000 groups, k = 10,000", "selection.TargetSelectionBenchmark.naive",
                    Map.of("groups", "1000000", "k", "10000"), Measure.RATIO, false, 100),
            new Target("simulator events/s vs PriorityQueue floor, 1,000 groups", "simulator.SimulatorThroughputBenchmark.world",
                    Map.of("groups", "1000"), Measure.RATIO, false, 0.33),
            new Target("simulator events/s vs PriorityQueue floor, 100,000 groups", "simulator.SimulatorThroughputBenchmark.world",
                    Map.of("groups", "100000"), Measure.RATIO, false, 0.33));

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
        List<Path> files = new ArrayList<>();
        for (String file : args) {
            files.add(Path.of(file));
            print(Path.of(file), System.out);
        }
        printTargets(files, System.out);
    }

    /**
     * Every target beside its figure, each figure computed within one file (one run), and whether it is met. A
     * target whose benchmark is in none of the files says so.
     */
    static void printTargets(List<Path> files, PrintStream out) throws IOException {
        out.println("### Targets (issue 21)");
        out.println();
        out.println("| Row | Figure | Target | Met? | From |");
        out.println("|---|---|---|---|---|");
        for (Target target : TARGETS) {
            boolean found = false;
            for (Path file : files) {
                List<Result> results = read(file);
                for (Result result : results) {
                    if (!result.benchmark().equals(target.benchmark()) || !target.params().entrySet().stream()
                            .allMatch(p -> p.getValue().equals(result.params().get(p.getKey())))) {
                        continue;
                    }
                    Optional<Pairing> pairing = PAIRINGS.stream().filter(p -> p.benchmark().equals(result.benchmark())).findFirst();
                    Optional<Result> baseline = pairing.flatMap(p -> baselineOf(result, p, results));
                    if (baseline.isEmpty()) {
                        continue;
                    }
                    found = true;
                    double figure = target.measure() == Measure.RATIO
                            ? result.score() / baseline.get().score()
                            : result.score() - baseline.get().score();
                    boolean met = target.atMost() ? figure <= target.bound() : figure >= target.bound();
                    String shown = target.measure() == Measure.RATIO
                            ? String.format(Locale.ROOT, "%.3g×", figure)
                            : number(figure) + " " + result.unit() + " (" + number(result.score()) + " − "
                                    + number(baseline.get().score()) + ")";
                    out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", target.row(), shown, target.text(),
                            met ? "**met**" : "not met", file.getFileName());
                }
            }
            if (!found) {
                out.printf(Locale.ROOT, "| %s | not measured in this run | %s | — | |%n", target.row(), target.text());
            }
        }
        out.println();
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
