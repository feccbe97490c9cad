package dev.macaque.simulate;

import dev.macaque.simulated.scenario.ScenarioParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import dev.macaque.cli.MacaqueCommand;
import picocli.CommandLine;

/** Helpers for the simulate tests: run a scenario text, or the real command with its output captured. */
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

    record CommandRun(int exit, String out, String err) {
    }

    static CommandRun command(String... args) {
        CommandLine cli = MacaqueCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new CommandRun(exit, out.toString(), err.toString());
    }

    static SimulationReport.GroupReport group(SimulationReport report, String name) {
        return report.groups().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
    }

    static SimulationReport.ServiceReport service(SimulationReport report, String name) {
        return report.services().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }
}
