package dev.macaque.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.simulated.scenario.ScenarioParser;
import java.nio.file.Path;
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

    }

    @Test
    void identicalScenariosHaveNoDifferences() {
        Scenario weak = ScenarioParser.parse(DOCS.resolve("zone-outage.yaml"));

        assertThat(DesignComparison.differences(weak, weak)).isEmpty();
    }
}
