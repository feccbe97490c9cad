package dev.macaque.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.simulated.scenario.ScenarioParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every example in docs/scenarios runs and every hypothesis it states holds, so the examples stay true. */
class DocsScenariosTest {
    private static final Path DOCS = Path.of("..", "..", "docs", "scenarios");

    @Test
    void everyExampleScenarioRunsAndItsHypothesesHold() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(DOCS)) {
            files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).extracting(f -> f.getFileName().toString())
                .contains("well-provisioned.yaml", "cascading-dependency.yaml", "zone-outage.yaml");
        for (Path file : files) {
            SimulationInput input = SimulationInput.of(ScenarioParser.parse(file), null);
            SimulationReport report = new Simulation(input, List.of()).run(Simulation.ProgressListener.NONE);

            assertThat(report.hypotheses()).as("%s states hypotheses", file).isNotEmpty();
            assertThat(report.hypotheses()).as("%s", file)
                    .allSatisfy(h -> assertThat(h.passed()).as("%s: %s measured %s", file, h.expression().text(), h.value()).isTrue());
            assertThat(report.kills()).as("%s kills something", file).isNotEmpty();
        }
    }
}
