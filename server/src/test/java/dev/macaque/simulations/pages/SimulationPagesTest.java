package dev.macaque.simulations.pages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.simulate.SeedSweep;
import dev.macaque.simulate.Simulation;
import dev.macaque.simulate.SimulationInput;
import dev.macaque.simulate.SimulationReport;
import dev.macaque.simulate.SweepReport;
import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.simulated.scenario.ScenarioParser;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** sweep.html and compare.html, rendered by the server's JTE templates from the engine's models. */
class SimulationPagesTest {
    private static final Path DOCS = Path.of("..", "docs", "scenarios");

    private static SimulationReport run(Scenario scenario) {
        return new Simulation(SimulationInput.of(scenario, null), List.of()).run(Simulation.ProgressListener.NONE);
    }

    @Test
    void theComparisonNamesWhatDiffersShowsBothOutcomesAndLinksBothReports() {
        Scenario weak = ScenarioParser.parse(DOCS.resolve("cascading-dependency.yaml"));
        Scenario fixed = ScenarioParser.parse(DOCS.resolve("cascading-dependency-fixed.yaml"));

        String page = SimulationPages.compare(weak, run(weak), "cascading-dependency/report.html", fixed, run(fixed),
                "cascading-dependency-fixed/report.html");

        assertThat(page).contains("<code>group db: desired 2 → 3</code>", "<td>hypotheses holding</td><td class=\"num\">1 of 4</td>"
                        + "<td class=\"num\">4 of 4</td>", "No incident: every service served its whole load.", "db lost 1 of 2 members",
                "<a id=\"report-a\" href=\"cascading-dependency/report.html\">A</a>",
                "<a id=\"report-b\" href=\"cascading-dependency-fixed/report.html\">B</a>");
    }

    /** cascading-dependency over seeds 1..6: it fails on every seed, so every bar is red; the worst is outlined and linked. */
    @Test
    void theSweepPageDrawsOneBarPerSeedAndLinksTheWorstSeedsReport() {
        SweepReport sweep = SeedSweep.run(ScenarioParser.parse(DOCS.resolve("cascading-dependency.yaml")),
                SeedSweep.SeedRange.parse("1..6"), 2, done -> { });

        String page = SimulationPages.sweep(sweep, Optional.of("seed-" + sweep.worst().seed() + "/report.html"));

        assertThat(Pattern.compile("<rect class=\"bar (pass|fail)").matcher(page).results().count()).isEqualTo(6);
        assertThat(Pattern.compile("<rect class=\"bar fail").matcher(page).results().count()).isEqualTo(6 - sweep.seedsPassed());
        assertThat(Pattern.compile("<rect class=\"bar [a-z]+ worst\"").matcher(page).results().count()).isEqualTo(1);
        assertThat(page).contains("<title>seed " + sweep.worst().seed() + ": ",
                "<a id=\"worst-report\" href=\"seed-" + sweep.worst().seed() + "/report.html\">Its full report</a>",
                "macaque simulate " + sweep.source() + " --seed " + sweep.worst().seed());
        assertThat(page).doesNotContain("http://", "https://", "<script");
    }
}
