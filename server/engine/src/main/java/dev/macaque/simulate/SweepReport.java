package dev.macaque.simulate;

import dev.macaque.simulate.SeedSweep.SeedRange;
import dev.macaque.simulate.SeedSweep.SeedResult;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The outcome of a seed sweep, seeds in order.
 *
 * @param hypotheses the hypotheses' texts, scenario order
 * @param services   the services' names, scenario order
 */
public record SweepReport(String scenario, String source, SeedRange range, List<String> hypotheses, List<String> services,
                          List<SeedResult> results) {
    public SweepReport {
        hypotheses = List.copyOf(hypotheses);
        services = List.copyOf(services);
        results = List.copyOf(results);
    }

    /** Share of seeds for which hypothesis {@code index} held, in percent. */
    public double passRate(int index) {
        return 100.0 * results.stream().filter(r -> r.passed().get(index)).count() / results.size();
    }

    /** Seeds for which every hypothesis held. */
    public long seedsPassed() {
        return results.stream().filter(r -> r.failed() == 0).count();
    }

    /** Nearest-rank percentile of service {@code index}'s availability over the seeds. */
    public double availabilityPercentile(int index, double percent) {
        double[] sorted = results.stream().mapToDouble(r -> r.availability().get(index)).toArray();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** The seed that did worst: most failed hypotheses, then lowest availability of any service, then lowest seed. */
    public SeedResult worst() {
        return results.stream().min(Comparator.comparingInt(SeedResult::failed).reversed()
                .thenComparingDouble(SeedResult::lowestAvailability).thenComparingLong(SeedResult::seed)).orElseThrow();
    }

    /** The command that replays {@code seed} with its full report. */
    public String replayCommand(long seed) {
        return "macaque simulate " + source + " --seed " + seed;
    }
}
