package dev.macaque.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.simulated.scenario.ScenarioParser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A lesson and its fix side by side. */
class DesignComparisonTest {
    private static final Path DOCS = Path.of("..", "..", "docs", "scenarios");

    @Test
    void theComparisonNamesWhatDiffersInTheFilesAndShowsBothOutcomes() {
        Scenario weak = ScenarioParser.parse(DOCS.resolve("cascading-dependency.yaml"));
        Scenario fixed = ScenarioParser.parse(DOCS.resolve("cascading-dependency-fixed.yaml"));

        assertThat(DesignComparison.differences(weak, fixed))
                .containsExactly("group db: desired 2 → 3", "group db: zones [a, b] → [a, b, c]");

        SimulationReport a = new Simulation(SimulationInput.of(weak, null), List.of()).run(Simulation.ProgressListener.NONE);
        SimulationReport b = new Simulation(SimulationInput.of(fixed, null), List.of()).run(Simulation.ProgressListener.NONE);
        String page = DesignComparison.html(weak, a, fixed, b);
        assertThat(page).contains("<code>group db: desired 2 → 3</code>", "<td>hypotheses holding</td><td class=\"num\">1 of 4</td>"
                + "<td class=\"num\">4 of 4</td>", "No incident: every service served its whole load.", "db lost 1 of 2 members");
    }

    @Test
    void identicalScenariosHaveNoDifferences() {
        Scenario weak = ScenarioParser.parse(DOCS.resolve("zone-outage.yaml"));

        assertThat(DesignComparison.differences(weak, weak)).isEmpty();
    }
}
