package dev.macaque.simulate;

import dev.macaque.simulated.scenario.ScenarioParser;
import java.util.List;

/** Helpers for the simulate tests: run a scenario text and find a group or service in its report. */
final class Simulations {
    private Simulations() {
    }

    static SimulationReport run(String yaml) {
        return run(yaml, null);
    }

    static SimulationReport run(String yaml, Long seed) {
        SimulationInput input = SimulationInput.of(ScenarioParser.parse(yaml, "test.yaml"), seed);
        return new Simulation(input, List.of()).run(Simulation.ProgressListener.NONE);
    }

    static SimulationReport.GroupReport group(SimulationReport report, String name) {
        return report.groups().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
    }

    static SimulationReport.ServiceReport service(SimulationReport report, String name) {
        return report.services().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }
}
