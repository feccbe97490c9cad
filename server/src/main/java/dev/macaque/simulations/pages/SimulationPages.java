package dev.macaque.simulations.pages;

import dev.macaque.simulate.DesignComparison;
import dev.macaque.simulate.HypothesisResult;
import dev.macaque.simulate.ReportNumbers;
import dev.macaque.simulate.ReportText;
import dev.macaque.simulate.SeedSweep.SeedResult;
import dev.macaque.simulate.SimulationReport;
import dev.macaque.simulate.SimulationReport.GroupReport;
import dev.macaque.simulate.SimulationReport.ServiceReport;
import dev.macaque.simulate.SweepReport;
import dev.macaque.simulated.scenario.Scenario;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sweep.html} and {@code compare.html}: the engine's report models rendered by the server's JTE templates
 * ({@code src/main/jte/simulate}), the engine the dashboard renders with. Every number is formatted by
 * {@link ReportText} here, once; the templates only place them. Self-contained pages: inline CSS and SVG, nothing
 * fetched, and deterministic bytes for the same models.
 */
public final class SimulationPages {
    private static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(ContentType.Html);
    private static final double[] PERCENTILES = {0, 5, 50, 95, 100};
    private static final List<String> PERCENTILE_NAMES = List.of("min", "p5", "p50", "p95", "max");
    /** Width of the per-seed chart's plot; seeds share it. */
    static final int CHART_WIDTH = 1000;
    static final int CHART_HEIGHT = 160;

    private SimulationPages() {
    }

    /** A hypothesis's pass rate over the seeds. */
    public record PassRate(String expression, String rate, boolean all) {
    }

    /** A service's availability percentiles over the seeds, {@link #PERCENTILE_NAMES} order. */
    public record Percentiles(String service, List<String> values) {
    }

    /** One seed's bar: its lowest availability, red when a hypothesis failed. */
    public record Bar(String x, String y, String width, String height, String css, String title) {
    }

    /**
     * @param worstReport relative link to the worst seed's full report, when it was written
     */
    public record SweepView(String scenario, String range, String held, List<PassRate> passRates, List<String> percentileNames,
                            List<Percentiles> availability, long worstSeed, String worstSummary, String replay,
                            Optional<String> worstReport, List<Bar> bars, String chartFloor, int chartWidth, int chartHeight) {
    }

    public static String sweep(SweepReport sweep, Optional<String> worstReport) {
        List<PassRate> rates = new ArrayList<>();
        for (int i = 0; i < sweep.hypotheses().size(); i++) {
            double rate = sweep.passRate(i);
            rates.add(new PassRate(sweep.hypotheses().get(i), ReportText.percent(rate), rate >= 100));
        }
        List<Percentiles> availability = new ArrayList<>();
        for (int i = 0; i < sweep.services().size(); i++) {
            List<String> values = new ArrayList<>();
            for (double p : PERCENTILES) {
                values.add(ReportText.percent(sweep.availabilityPercentile(i, p)));
            }
            availability.add(new Percentiles(sweep.services().get(i), values));
        }
        SeedResult worst = sweep.worst();
        String summary = "Seed " + worst.seed() + ": " + worst.failed() + (worst.failed() == 1 ? " hypothesis failed" : " hypotheses failed")
                + ", lowest availability " + ReportText.percent(worst.lowestAvailability()) + ".";
        // Bars rise from the highest of 0, 90, 99, 99.9 … % below every seed's lowest availability, so differences show.
        double lowest = sweep.results().stream().mapToDouble(SeedResult::lowestAvailability).min().orElse(100);
        double floor = 0;
        for (double candidate : new double[] {90, 99, 99.9, 99.99, 99.999}) {
            if (candidate < lowest) {
                floor = candidate;
            }
        }
        List<Bar> bars = new ArrayList<>();
        int n = sweep.results().size();
        double step = (double) CHART_WIDTH / n;
        for (int i = 0; i < n; i++) {
            SeedResult r = sweep.results().get(i);
            double share = 100 - floor <= 0 ? 1 : (r.lowestAvailability() - floor) / (100 - floor);
            double h = Math.max(2, share * CHART_HEIGHT);
            bars.add(new Bar(fmt(i * step), fmt(CHART_HEIGHT - h), fmt(Math.max(1, step * 0.8)), fmt(h),
                    (r.failed() > 0 ? "bar fail" : "bar pass") + (r.seed() == worst.seed() ? " worst" : ""),
                    "seed " + r.seed() + ": " + (r.failed() == 0 ? "every hypothesis holds" : r.failed()
                            + (r.failed() == 1 ? " hypothesis failed" : " hypotheses failed")) + ", lowest availability "
                            + ReportText.percent(r.lowestAvailability()) + ", " + r.kills() + " kills, " + r.incidents() + " incidents"));
        }
        SweepView view = new SweepView(sweep.scenario(), sweep.range().toString(), ReportText.count(sweep.seedsPassed()) + " of "
                + ReportText.count(n), rates, PERCENTILE_NAMES, availability, worst.seed(), summary, sweep.replayCommand(worst.seed()),
                worstReport, bars, ReportText.percent(floor), CHART_WIDTH, CHART_HEIGHT);
        return render("simulate/sweep.jte", view);
    }

    /** A row of two values side by side. */
    public record Pair(String label, String a, String b) {
    }

    /** A hypothesis of A with its verdicts in A and B. */
    public record HypothesisPair(String expression, boolean passedA, String valueA, Boolean passedB, String valueB) {
    }

    /** A group's kills and longest recovery in A and B. */
    public record RecoveryPair(String group, String killsA, String maxA, String killsB, String maxB) {
    }

    /** The stories of one design's incidents. */
    public record Stories(String label, String scenario, String report, List<String> stories) {
    }

    public record CompareView(String scenarioA, String scenarioB, String sourceA, String sourceB, long seedA, long seedB,
                              String reportA, String reportB, List<String> differences, List<Pair> verdict,
                              List<Pair> availability, List<RecoveryPair> recovery, List<HypothesisPair> hypotheses,
                              List<Stories> incidents) {
    }

    /**
     * @param reportA link to A's full report, relative to the page
     * @param reportB link to B's
     */
    public static String compare(Scenario sa, SimulationReport a, String reportA, Scenario sb, SimulationReport b, String reportB) {
        List<Pair> verdict = List.of(new Pair("hypotheses holding", held(a), held(b)),
                new Pair("incidents", Integer.toString(a.incidents().size()), Integer.toString(b.incidents().size())),
                new Pair("kills", Integer.toString(a.kills().size()), Integer.toString(b.kills().size())),
                new Pair("refused kills", Integer.toString(a.refusals().size()), Integer.toString(b.refusals().size())),
                new Pair("longest incident", longest(a), longest(b)));
        List<Pair> availability = new ArrayList<>();
        for (ServiceReport service : a.services()) {
            availability.add(new Pair(service.name(), ReportText.percent(service.availability()), b.services().stream()
                    .filter(s -> s.name().equals(service.name())).findFirst().map(s -> ReportText.percent(s.availability()))
                    .orElse("not in B")));
        }
        List<RecoveryPair> recovery = new ArrayList<>();
        for (GroupReport group : a.groups()) {
            GroupReport other = b.groups().stream().filter(g -> g.name().equals(group.name())).findFirst().orElse(null);
            recovery.add(new RecoveryPair(group.name(), Integer.toString(group.kills()), ReportText.duration(group.recovery().max()),
                    other == null ? "–" : Integer.toString(other.kills()),
                    other == null ? "not in B" : ReportText.duration(other.recovery().max())));
        }
        List<HypothesisPair> hypotheses = new ArrayList<>();
        for (HypothesisResult result : a.hypotheses()) {
            Optional<HypothesisResult> other = b.hypotheses().stream()
                    .filter(h -> h.expression().text().equals(result.expression().text())).findFirst();
            hypotheses.add(new HypothesisPair(result.expression().text(), result.passed(), measured(result),
                    other.map(HypothesisResult::passed).orElse(null), other.map(SimulationPages::measured).orElse("not in B")));
        }
        CompareView view = new CompareView(a.scenario(), b.scenario(), a.source(), b.source(), a.seed(), b.seed(), reportA, reportB,
                DesignComparison.differences(sa, sb), verdict, availability, recovery, hypotheses,
                List.of(stories("A", a, reportA), stories("B", b, reportB)));
        return render("simulate/compare.jte", view);
    }

    private static Stories stories(String label, SimulationReport report, String link) {
        List<ReportText.IncidentStory> all = ReportText.stories(report.incidents());
        return new Stories(label, report.scenario(), link, all.subList(0, Math.min(10, all.size())).stream()
                .map(s -> ReportText.narrative(report.start(), s.culprit(), s.dependents())).toList());
    }

    private static String measured(HypothesisResult result) {
        return result.note().isEmpty() ? ReportNumbers.number(result.value()) : result.note();
    }

    private static String held(SimulationReport report) {
        return report.hypotheses().stream().filter(HypothesisResult::passed).count() + " of " + report.hypotheses().size();
    }

    private static String longest(SimulationReport report) {
        double longest = report.incidents().stream().mapToDouble(i -> i.end().map(e -> e.minus(i.start()))
                .orElse(report.duration().minus(i.start())).toNanos() / 1e9).max().orElse(0);
        return longest == 0 ? "none" : ReportText.duration(longest);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String render(String template, Object page) {
        StringOutput out = new StringOutput();
        TEMPLATES.render(template, Map.of("page", page), out);
        return out.toString();
    }
}
