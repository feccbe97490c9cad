package dev.macaque.cli;

import dev.macaque.simulate.Simulation;
import dev.macaque.simulate.SimulationInput;
import dev.macaque.simulate.SimulationReport;
import dev.macaque.simulate.ReportJson;
import dev.macaque.simulate.ReportHtml;
import dev.macaque.simulate.HypothesisResult;
import static dev.macaque.simulate.ReportNumbers.number;
import dev.macaque.text.Durations;
import dev.macaque.simulate.SimulationReport.GroupReport;
import dev.macaque.simulate.SimulationReport.ServiceReport;
import dev.macaque.simulated.eventlog.JsonLinesSink;
import dev.macaque.simulated.scenario.ScenarioException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code macaque simulate SCENARIO.yaml [--seed N] [--out DIR] [--quiet]}: runs a scenario offline in virtual time
 * and writes {@code events.jsonl}, {@code report.json} and {@code report.html}. Exit 0 when every hypothesis holds,
 * 1 when one fails, 2 for invalid input.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run a scenario's simulated world, faults and chaos entries through the engine in virtual time; "
                + "write events.jsonl, report.json and report.html.",
                "Exit 0 when every hypothesis holds, 1 when one fails, 2 for invalid input."})
public final class SimulateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SCENARIO.yaml", description = "The scenario file (see docs/simulation.md).")
    Path scenarioFile;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the run; overrides the scenario's seed.")
    Long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: ./simulation-out/<scenario name>/).")
    Path out;

    @Option(names = "--quiet", description = "No progress bar, and only the verdict instead of the full summary.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        SimulationInput input;
        try {
            input = SimulationInput.read(scenarioFile, seed);
        } catch (ScenarioException e) {
            stderr.println("Invalid scenario:");
            e.messages().forEach(message -> stderr.println("  " + message));
            stderr.flush();
            return ExitCodes.INVALID_INPUT;
        }
        Path dir = out != null ? out : Path.of("simulation-out", input.scenario().name());
        Path events = dir.resolve("events.jsonl");
        long startedNanos = System.nanoTime();
        SimulationReport report;
        try {
            Files.createDirectories(dir);
            try (JsonLinesSink sink = new JsonLinesSink(new BufferedWriter(Files.newBufferedWriter(events, StandardCharsets.UTF_8),
                    1 << 16))) {
                Simulation simulation = new Simulation(input, List.of(sink));
                boolean showProgress = !quiet && System.console() != null;
                try (ProgressBar bar = showProgress ? progressBar(input) : null) {
                    report = simulation.run(bar == null ? Simulation.ProgressListener.NONE : progress(bar, startedNanos));
                }
            }
            Files.writeString(dir.resolve("report.json"), ReportJson.write(report), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("report.html"), ReportHtml.write(report), StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            stderr.println("macaque simulate: cannot write to " + dir + ": " + e.getMessage());
            stderr.flush();
            return ExitCodes.INVALID_INPUT;
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - startedNanos);
        printSummary(stdout, report, dir, wall);
        stdout.flush();
        return report.allHypothesesHold() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static ProgressBar progressBar(SimulationInput input) {
        long seconds = Math.max(1, input.scenario().duration().toSeconds());
        boolean days = seconds >= 2 * 86_400;
        return new ProgressBarBuilder().setTaskName("simulate " + input.scenario().name())
                .setInitialMax(seconds).setUnit(days ? " days" : " h", days ? 86_400 : 3_600)
                .setUpdateIntervalMillis(200).hideEta().build();
    }

    private static Simulation.ProgressListener progress(ProgressBar bar, long startedNanos) {
        return (simulated, total, events) -> {
            bar.stepTo(simulated.toSeconds());
            double wallSeconds = Math.max(1e-9, (System.nanoTime() - startedNanos) / 1e9);
            bar.setExtraMessage(String.format(Locale.ROOT, "%,d events, %,.0f events/s", events, events / wallSeconds));
        };
    }

    private void printSummary(PrintWriter out, SimulationReport report, Path dir, Duration wall) {
        long failed = report.hypotheses().stream().filter(h -> !h.passed()).count();
        if (!quiet) {
            out.printf(Locale.ROOT, "Simulated %s (%s), seed %d: %s of virtual time, %,d events in %.1fs%n", report.scenario(),
                    report.source(), report.seed(), Durations.format(report.duration()), report.events(), wall.toMillis() / 1000.0);
            int width = Math.max(8, report.services().stream().mapToInt(s -> s.name().length()).max().orElse(0)
                    + 2);
            width = Math.max(width, report.groups().stream().mapToInt(g -> g.name().length()).max().orElse(0) + 2);
            out.println();
            out.printf(Locale.ROOT, "  %-" + width + "s %s%n", "SERVICE", "AVAILABILITY");
            for (ServiceReport service : report.services()) {
                out.printf(Locale.ROOT, "  %-" + width + "s %s%%%n", service.name(), number(service.availability()));
            }
            out.println();
            out.printf(Locale.ROOT, "  %-" + width + "s %5s %8s   %-28s %s%n", "GROUP", "KILLS", "REFUSALS",
                    "RECOVERY p50 / p95 / max (s)", "ENGINE NOT_RECOVERED");
            for (GroupReport group : report.groups()) {
                String recovery = group.kills() == 0 ? "-" : number(group.recovery().p50()) + " / " + number(group.recovery().p95())
                        + " / " + number(group.recovery().max());
                out.printf(Locale.ROOT, "  %-" + width + "s %5d %8d   %-28s %d%n", group.name(), group.kills(), group.refusals(),
                        recovery, group.engineNotRecovered());
            }
            if (!report.hypotheses().isEmpty()) {
                out.println();
                int textWidth = report.hypotheses().stream().mapToInt(h -> h.expression().text().length()).max().orElse(0);
                for (HypothesisResult result : report.hypotheses()) {
                    out.printf(Locale.ROOT, "  %s  %-" + textWidth + "s   measured %s%n", result.passed() ? "PASS" : "FAIL",
                            result.expression().text(), measured(result));
                }
            }
            out.println();
        } else {
            for (HypothesisResult result : report.hypotheses()) {
                if (!result.passed()) {
                    out.printf(Locale.ROOT, "FAIL  %s   measured %s (%s:%d)%n", result.expression().text(), measured(result),
                            report.source(), result.expression().line());
                }
            }
        }
        if (failed == 0) {
            out.printf(Locale.ROOT, "%s: %d of %d hypotheses hold. Reports in %s%n", report.scenario(), report.hypotheses().size(),
                    report.hypotheses().size(), dir);
        } else {
            out.printf(Locale.ROOT, "%s: %d of %d hypotheses FAILED. Reports in %s%n", report.scenario(), failed,
                    report.hypotheses().size(), dir);
            out.printf(Locale.ROOT, "reproduce with: macaque simulate %s --seed %d%n", report.source(), report.seed());
        }
    }

    private static String measured(HypothesisResult result) {
        return result.note().isEmpty() ? number(result.value()) : result.note();
    }
}
