package dev.macaque.cli;

import static dev.macaque.simulate.ReportNumbers.number;

import dev.macaque.config.MacaqueConfig.DashboardConfig;
import dev.macaque.simulate.DesignComparison;
import dev.macaque.simulations.pages.SimulationPages;
import dev.macaque.simulate.HypothesisResult;
import dev.macaque.simulations.pages.ReportPage;
import dev.macaque.simulate.ReportJson;
import dev.macaque.simulate.ReportText;
import dev.macaque.simulate.SeedSweep;
import dev.macaque.simulate.SeedSweep.SeedRange;
import dev.macaque.simulate.Simulation;
import dev.macaque.simulate.SimulationInput;
import dev.macaque.simulate.SimulationReport;
import dev.macaque.simulate.SimulationReport.GroupReport;
import dev.macaque.simulate.SimulationReport.ServiceReport;
import dev.macaque.simulate.SweepPages;
import dev.macaque.simulate.SweepReport;
import dev.macaque.simulated.eventlog.EventSink;
import dev.macaque.simulated.eventlog.JsonLinesSink;
import dev.macaque.simulated.scenario.ScenarioException;
import dev.macaque.text.Durations;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code macaque simulate SCENARIO.yaml [--seed N | --seeds A..B] [--compare OTHER.yaml] [--events none|jsonl|jsonl.gz]
 * [--out DIR] [--quiet]}: runs a scenario offline in virtual time and writes its event log, {@code report.json} and
 * {@code report.html}; a seed sweep writes {@code sweep.json} and {@code sweep.html}; a comparison writes
 * {@code compare.html} beside both reports. Exit 0 when every hypothesis holds, 1 when one fails, 2 for invalid input,
 * 3 when the heap is too small.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run a scenario's simulated world, faults and chaos entries through the engine in virtual time; "
                + "write the event log, report.json and report.html.",
                "Exit 0 when every hypothesis holds, 1 when one fails, 2 for invalid input, 4 when out of memory."})
public final class SimulateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SCENARIO.yaml", description = "The scenario file (see docs/simulation.md).")
    Path scenarioFile;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the run; overrides the scenario's seed.")
    Long seed;

    @Option(names = "--seeds", paramLabel = "A..B", description = "Run every seed from A to B (at most "
            + SeedSweep.MAX_SEEDS + ") in parallel on all cores; write sweep.json and sweep.html. Exit 0 when every seed "
            + "holds every hypothesis.")
    String seeds;

    @Option(names = "--compare", paramLabel = "OTHER.yaml", description = "Also run OTHER.yaml and write compare.html, "
            + "the two designs side by side. The exit code is OTHER's verdict.")
    Path compare;

    @Option(names = "--events", paramLabel = "FORMAT", defaultValue = "jsonl",
            description = "Event log: none, jsonl (events.jsonl, default) or jsonl.gz (events.jsonl.gz). Events are "
                    + "streamed to disk either way; none writes nothing.")
    String events;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: ./simulation-out/<scenario file name>/, "
            + "where the dashboard's Simulations page looks when the server runs from the same folder).")
    Path out;

    @Option(names = "--quiet", description = "No progress line, and only the verdict instead of the full summary.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    private PrintWriter stdout;
    private PrintWriter stderr;

    @Override
    public Integer call() {
        stdout = spec.commandLine().getOut();
        stderr = spec.commandLine().getErr();
        try {
            return run();
        } catch (OutOfMemoryError e) {
            return outOfMemory();
        } finally {
            stdout.flush();
            stderr.flush();
        }
    }

    private int run() {
        if (!List.of("none", "jsonl", "jsonl.gz").contains(events)) {
            return invalid("--events: '" + events + "' is not an event log format; write none, jsonl or jsonl.gz");
        }
        if (seeds != null && (seed != null || compare != null)) {
            return invalid("--seeds runs a range of seeds: it cannot be combined with " + (seed != null ? "--seed" : "--compare"));
        }
        SimulationInput input = read(scenarioFile, seed);
        if (input == null) {
            return ExitCodes.INVALID_INPUT;
        }
        if (seeds != null) {
            return sweep(input);
        }
        if (compare != null) {
            SimulationInput other = read(compare, seed);
            if (other == null) {
                return ExitCodes.INVALID_INPUT;
            }
            return compare(input, other);
        }
        Path dir = out != null ? out : Path.of(DashboardConfig.DEFAULT_SIMULATIONS_DIRECTORY, stem(scenarioFile));
        SimulationReport report = simulate(input, dir);
        if (report == null) {
            return ExitCodes.INVALID_INPUT;
        }
        printSummary(report, dir);
        return report.allHypothesesHold() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private SimulationInput read(Path file, Long seedOverride) {
        try {
            return SimulationInput.read(file, seedOverride);
        } catch (ScenarioException e) {
            stderr.println("Invalid scenario:");
            e.messages().forEach(message -> stderr.println("  " + message));
            return null;
        }
    }

    private int invalid(String message) {
        stderr.println("macaque simulate: " + message);
        return ExitCodes.INVALID_INPUT;
    }

    /** One line, with the flag that raises the limit: the stack trace of an OutOfMemoryError teaches nothing. */
    private int outOfMemory() {
        long maxMiB = Runtime.getRuntime().maxMemory() >> 20;
        long doubled = Math.max(64, maxMiB * 2);
        String flag = "-Xmx" + (doubled >= 1024 ? (doubled + 1023) / 1024 + "g" : doubled + "m");
        stderr.println("macaque simulate: out of memory: the scenario does not fit in the " + maxMiB + " MiB heap; run it with "
                + "MACAQUE_OPTS=" + flag + " (java " + flag + "), or simulate fewer groups or days"
                + (seeds != null ? " or fewer seeds at once" : ""));
        return ExitCodes.OUT_OF_MEMORY;
    }

    /** Folder name of a scenario: its file name without {@code .yaml}, so that {@code x-fixed.yaml} does not overwrite x's report. */
    static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".yaml") ? name.substring(0, name.length() - 5) : name.endsWith(".yml")
                ? name.substring(0, name.length() - 4) : name;
    }

    /** Runs one scenario and writes its files into {@code dir}; null when they cannot be written (said on stderr). */
    private SimulationReport simulate(SimulationInput input, Path dir) {
        long startedNanos = System.nanoTime();
        Path eventsFile = switch (events) {
            case "jsonl" -> dir.resolve("events.jsonl");
            case "jsonl.gz" -> dir.resolve("events.jsonl.gz");
            default -> null;
        };
        SimulationReport report;
        try {
            Files.createDirectories(dir);
            try (Writer writer = eventWriter(eventsFile)) {
                List<EventSink> sinks = writer == null ? List.of() : List.of(new JsonLinesSink(writer));
                Simulation simulation = new Simulation(input, sinks);
                boolean showProgress = !quiet && System.console() != null;
                report = simulation.run(showProgress ? progress(input.scenario().name(), startedNanos) : Simulation.ProgressListener.NONE);
                if (showProgress) {
                    stderr.print("\r" + " ".repeat(ProgressLine.WIDTH) + "\r");
                    stderr.flush();
                }
            }
            if (eventsFile == null) {
                Files.deleteIfExists(dir.resolve("events.jsonl"));
                Files.deleteIfExists(dir.resolve("events.jsonl.gz"));
            }
            writeAtomically(dir.resolve("report.json"), w -> ReportJson.write(report, w));
            writeAtomically(dir.resolve("report.html"), w -> w.write(ReportPage.write(report)));
        } catch (IOException | UncheckedIOException e) {
            stderr.println("macaque simulate: cannot write to " + dir + ": " + e.getMessage());
            return null;
        } catch (OutOfMemoryError e) {
            // No half-written event log is left behind to be mistaken for a complete one.
            try {
                if (eventsFile != null) {
                    Files.deleteIfExists(eventsFile);
                }
            } catch (IOException ignored) {
                // the one-line report below is what matters
            }
            throw e;
        }
        lastWall = Duration.ofNanos(System.nanoTime() - startedNanos);
        return report;
    }

    private Duration lastWall = Duration.ZERO;

    private static Writer eventWriter(Path file) throws IOException {
        if (file == null) {
            return null;
        }
        if (file.toString().endsWith(".gz")) {
            return new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file), 1 << 16),
                    StandardCharsets.UTF_8), 1 << 16);
        }
        return new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16);
    }

    @FunctionalInterface
    private interface WriterBody {
        void write(Writer writer) throws IOException;
    }

    /** Written beside and moved into place, so a report is never half-written. */
    private static void writeAtomically(Path file, WriterBody body) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer writer = new BufferedWriter(Files.newBufferedWriter(temp, StandardCharsets.UTF_8), 1 << 16)) {
            body.write(writer);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Simulation.ProgressListener progress(String name, long startedNanos) {
        long[] lastPrinted = {0};
        return (simulated, total, count) -> {
            long now = System.nanoTime();
            if (now - lastPrinted[0] < 200_000_000L && simulated.compareTo(total) < 0) {
                return;
            }
            lastPrinted[0] = now;
            stderr.print("\r" + ProgressLine.render(name, simulated, total, count, (now - startedNanos) / 1e9));
            stderr.flush();
        };
    }

    private int sweep(SimulationInput input) {
        SeedRange range;
        try {
            range = SeedRange.parse(seeds);
        } catch (IllegalArgumentException e) {
            return invalid("--seeds: " + e.getMessage());
        }
        Path dir = out != null ? out : Path.of(DashboardConfig.DEFAULT_SIMULATIONS_DIRECTORY, stem(scenarioFile) + "-seeds-" + range);
        int threads = Runtime.getRuntime().availableProcessors();
        boolean showProgress = !quiet && System.console() != null;
        SweepReport sweep = SeedSweep.run(input.scenario(), range, threads, done -> {
            if (showProgress) {
                synchronized (stderr) {
                    stderr.print("\rseeds " + range + ": " + done + " of " + range.size() + " done");
                    stderr.flush();
                }
            }
        });
        if (showProgress) {
            stderr.println();
        }
        // The worst seed's full report beside the sweep, so that its page can link it.
        String worstFolder = "seed-" + sweep.worst().seed();
        if (simulate(SimulationInput.of(input.scenario(), sweep.worst().seed()), dir.resolve(worstFolder)) == null) {
            return ExitCodes.INVALID_INPUT;
        }
        try {
            Files.createDirectories(dir);
            writeAtomically(dir.resolve("sweep.json"), w -> w.write(SweepPages.json(sweep)));
            writeAtomically(dir.resolve("sweep.html"), w -> w.write(SimulationPages.sweep(sweep,
                    java.util.Optional.of(worstFolder + "/report.html"))));
        } catch (IOException | UncheckedIOException e) {
            stderr.println("macaque simulate: cannot write to " + dir + ": " + e.getMessage());
            return ExitCodes.INVALID_INPUT;
        }
        stdout.printf(Locale.ROOT, "Swept %s (%s), seeds %s on %d threads: %s of %s seeds hold every hypothesis%n",
                sweep.scenario(), sweep.source(), range, threads, ReportText.count(sweep.seedsPassed()), ReportText.count(range.size()));
        for (int i = 0; i < sweep.hypotheses().size(); i++) {
            stdout.printf(Locale.ROOT, "  %7s  %s%n", ReportText.percent(sweep.passRate(i)), sweep.hypotheses().get(i));
        }
        stdout.printf(Locale.ROOT, "worst seed %d (its report in %s); replay it with: %s%nReports in %s%n", sweep.worst().seed(),
                dir.resolve(worstFolder), sweep.replayCommand(sweep.worst().seed()), dir);
        return sweep.seedsPassed() == range.size() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private int compare(SimulationInput a, SimulationInput b) {
        String stemA = stem(scenarioFile);
        String stemB = stem(compare);
        if (stemA.equals(stemB)) {
            stemB = stemB + "-2";
        }
        String linkB = stemB;
        Path dir = out != null ? out : Path.of(DashboardConfig.DEFAULT_SIMULATIONS_DIRECTORY, stemA + "-vs-" + stemB);
        SimulationReport first = simulate(a, dir.resolve(stemA));
        if (first == null) {
            return ExitCodes.INVALID_INPUT;
        }
        SimulationReport second = simulate(b, dir.resolve(stemB));
        if (second == null) {
            return ExitCodes.INVALID_INPUT;
        }
        try {
            writeAtomically(dir.resolve("compare.html"), w -> w.write(SimulationPages.compare(a.scenario(), first,
                    stemA + "/report.html", b.scenario(), second, linkB + "/report.html")));
        } catch (IOException | UncheckedIOException e) {
            stderr.println("macaque simulate: cannot write to " + dir + ": " + e.getMessage());
            return ExitCodes.INVALID_INPUT;
        }
        stdout.printf(Locale.ROOT, "Compared %s with %s%n", first.source(), second.source());
        List<String> differences = DesignComparison.differences(a.scenario(), b.scenario());
        stdout.println(differences.isEmpty() ? "  the scenarios describe the same world" : "  differences:");
        differences.forEach(d -> stdout.println("    " + d));
        for (SimulationReport report : List.of(first, second)) {
            long held = report.hypotheses().stream().filter(HypothesisResult::passed).count();
            stdout.printf(Locale.ROOT, "  %s: %d of %d hypotheses hold, %d incidents, %d kills%n", report.scenario(), held,
                    report.hypotheses().size(), report.incidents().size(), report.kills().size());
        }
        stdout.printf(Locale.ROOT, "Reports in %s (compare.html)%n", dir);
        return second.allHypothesesHold() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private void printSummary(SimulationReport report, Path dir) {
        long failed = report.hypotheses().stream().filter(h -> !h.passed()).count();
        PrintWriter out = stdout;
        if (!quiet) {
            out.printf(Locale.ROOT, "Simulated %s (%s), seed %d: %s of virtual time, %s events in %.1fs%n", report.scenario(),
                    report.source(), report.seed(), Durations.format(report.duration()), ReportText.count(report.events()),
                    lastWall.toMillis() / 1000.0);
            int width = Math.max(8, report.services().stream().mapToInt(s -> s.name().length()).max().orElse(0) + 2);
            width = Math.max(width, report.groups().stream().mapToInt(g -> g.name().length()).max().orElse(0) + 2);
            out.println();
            out.printf(Locale.ROOT, "  %-" + width + "s %s%n", "SERVICE", "AVAILABILITY");
            for (ServiceReport service : report.services()) {
                out.printf(Locale.ROOT, "  %-" + width + "s %s%%%n", service.name(), number(service.availability()));
            }
            out.println();
            out.printf(Locale.ROOT, "  %-" + width + "s %5s %8s   %-36s %s%n", "GROUP", "KILLS", "REFUSALS",
                    "RECOVERY p50 / p95 / max", "ENGINE NOT_RECOVERED");
            for (GroupReport group : report.groups()) {
                String recovery = group.kills() == 0 ? "-" : ReportText.duration(group.recovery().p50()) + " / "
                        + ReportText.duration(group.recovery().p95()) + " / " + ReportText.duration(group.recovery().max());
                out.printf(Locale.ROOT, "  %-" + width + "s %5d %8d   %-36s %d%n", group.name(), group.kills(), group.refusals(),
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
        printIncidents(report);
        ReportText.halts(report.start(), report.steadyState()).forEach(line -> stdout.println("HALT      " + line));
        if (failed == 0) {
            out.printf(Locale.ROOT, "%s: %d of %d hypotheses hold. Reports in %s%n", report.scenario(), report.hypotheses().size(),
                    report.hypotheses().size(), dir);
        } else {
            out.printf(Locale.ROOT, "%s: %d of %d hypotheses FAILED. Reports in %s%n", report.scenario(), failed,
                    report.hypotheses().size(), dir);
            out.printf(Locale.ROOT, "reproduce with: macaque simulate %s --seed %d%n", report.source(), report.seed());
        }
    }

    /** The why, in the terminal too: each incident of an overloaded service as its one-sentence story (at most 5). */
    private void printIncidents(SimulationReport report) {
        for (SimulationReport.RunSummary run : report.runs()) {
            if (run.zone() != null) {
                stdout.println("ZONE      run " + run.run() + " (" + run.experiment() + ") took zone " + run.zone() + " down: "
                        + (run.zoneRefusals().isEmpty() ? "no group refused"
                        : "refused " + String.join("; ", run.zoneRefusals())));
            }
        }
        List<ReportText.IncidentStory> stories = ReportText.stories(report.incidents());
        for (ReportText.IncidentStory story : stories.subList(0, Math.min(5, stories.size()))) {
            stdout.println("INCIDENT  " + ReportText.narrative(report.start(), story.culprit(), story.dependents()));
        }
        if (stories.size() > 5) {
            stdout.println("… and " + (stories.size() - 5) + " more incidents in report.html");
        }
    }

    private static String measured(HypothesisResult result) {
        return result.note().isEmpty() ? number(result.value()) : result.note();
    }
}
