package dev.macaque.benchmarks.fleet;

import dev.macaque.simulations.pages.ReportPage;
import dev.macaque.simulate.ReportJson;
import dev.macaque.simulate.Simulation;
import dev.macaque.simulate.SimulationInput;
import dev.macaque.simulate.SimulationReport;
import dev.macaque.simulated.eventlog.EventSink;
import dev.macaque.simulated.eventlog.JsonLinesSink;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * A counted, timed run of exactly what {@code macaque simulate fleet.yaml} does with its default output: the scenario
 * is read and run through the engine in virtual time, every event streams to {@code events.jsonl}, and
 * {@code report.json} and {@code report.html} are written. The default scenario is issue 21's row: 10,000 groups ×
 * 10 instances × 30 days with a daily Chaos Monkey schedule over every group (the fleet of {@code SimulateMemoryTest},
 * at full size). Run it in the heap under test ({@code java -Xmx1g -cp benchmarks.jar …}); {@code scripts/bench.sh}
 * does, and prints the wall time beside the target. Never asserted in a test: a figure, not a gate.
 *
 * <pre>
 * SimulateMonth [--groups N] [--days D] [--scenario FILE] [--events none|jsonl|jsonl.gz] --out DIR [--digest]
 * </pre>
 * {@code --digest} adds the SHA-256 of each file written, to compare two builds' outputs byte for byte.
 */
public final class SimulateMonth {
    /** Issue 21's target for the default scenario, wall seconds on 2 cores in {@code -Xmx1g}. */
    public static final double TARGET_SECONDS = 60;

    private SimulateMonth() {
    }

    /** The scenario: {@code groups} groups of 10 over three zones and ten regions, one schedule over all of them. */
    public static String fleetYaml(int groups, int days) {
        StringBuilder yaml = new StringBuilder("name: fleet\nseed: 1\nduration: ").append(days).append("d\ngroups:\n");
        for (int i = 0; i < groups; i++) {
            yaml.append(String.format(Locale.ROOT, "  - {name: g%06d, region: region-%02d, zones: [a, b, c], desired: 10,"
                    + " bootTime: 60s, healthCheckGrace: 30s, tags: {macaque-enabled: \"true\"}}%n", i, i % 10));
        }
        yaml.append("services:\n");
        for (int i = 0; i < groups; i++) {
            yaml.append(String.format(Locale.ROOT, "  - {name: svc-g%06d, group: g%06d, capacityPerInstance: 10, load: 50}%n", i, i));
        }
        yaml.append("chaos:\n  - schedule: {meanTimeBetweenKills: 1d, window: {from: \"09:00\", to: \"17:00\", zone: UTC}}\n")
                .append("    experiment: {name: fleet-monkey}\nhypotheses:\n  - \"notRecovered() == 0\"\n");
        return yaml.toString();
    }

    public static void main(String[] args) throws Exception {
        int groups = 10_000;
        int days = 30;
        Path scenario = null;
        Path out = null;
        String events = "jsonl";
        boolean digest = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--digest")) {
                digest = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            String value = args[++i];
            switch (arg) {
                case "--groups" -> groups = Integer.parseInt(value);
                case "--days" -> days = Integer.parseInt(value);
                case "--scenario" -> scenario = Path.of(value);
                case "--out" -> out = Path.of(value);
                case "--events" -> events = value;
                default -> throw new IllegalArgumentException("unknown option " + arg
                        + "; use --groups N --days D --scenario FILE --events none|jsonl|jsonl.gz --out DIR --digest");
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("--out DIR is required");
        }
        Files.createDirectories(out);
        if (scenario == null) {
            scenario = out.resolve("fleet.yaml");
            Files.writeString(scenario, fleetYaml(groups, days));
        }
        Path eventsFile = switch (events) {
            case "jsonl" -> out.resolve("events.jsonl");
            case "jsonl.gz" -> out.resolve("events.jsonl.gz");
            case "none" -> null;
            default -> throw new IllegalArgumentException("--events: '" + events + "'; write none, jsonl or jsonl.gz");
        };

        long started = System.nanoTime();
        SimulationInput input = SimulationInput.read(scenario, null);
        SimulationReport report;
        try (Writer writer = eventWriter(eventsFile)) {
            List<EventSink> sinks = writer == null ? List.of() : List.of(new JsonLinesSink(writer));
            report = new Simulation(input, sinks).run(Simulation.ProgressListener.NONE);
        }
        long simulated = System.nanoTime();
        Path json = out.resolve("report.json");
        try (Writer writer = new BufferedWriter(Files.newBufferedWriter(json, StandardCharsets.UTF_8), 1 << 16)) {
            ReportJson.write(report, writer);
        }
        long jsonWritten = System.nanoTime();
        Path html = out.resolve("report.html");
        try (Writer writer = new BufferedWriter(Files.newBufferedWriter(html, StandardCharsets.UTF_8), 1 << 16)) {
            writer.write(ReportPage.write(report));
        }
        long htmlWritten = System.nanoTime();
        double seconds = (htmlWritten - started) / 1e9;

        long maxHeapMiB = Runtime.getRuntime().maxMemory() >> 20;
        int cpus = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "simulate %s: %d events, %d kills, %d runs; wall %.1f s with %d MiB max heap on %d cpus"
                        + " (events %s)%n", input.scenario().name(), report.events(), report.kills().size(), report.runs().size(),
                seconds, maxHeapMiB, cpus, events);
        System.out.printf(Locale.ROOT, "simulate wall %.1f s, target <= %.0f s in -Xmx1g on 2 cores: %s%n", seconds, TARGET_SECONDS,
                seconds <= TARGET_SECONDS ? "met" : "not met (" + String.format(Locale.ROOT, "%.2f", seconds / TARGET_SECONDS)
                        + "x the target)");
        System.out.printf(Locale.ROOT, "simulate phases: read and run %.1f s, report.json %.1f s, report.html %.1f s; gc: %s%n",
                (simulated - started) / 1e9, (jsonWritten - simulated) / 1e9, (htmlWritten - jsonWritten) / 1e9, gcSummary());
        if (digest) {
            for (Path file : eventsFile == null ? List.of(json, html) : List.of(eventsFile, json, html)) {
                System.out.println("sha256 " + sha256(file) + "  " + file.getFileName());
            }
        }
    }

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

    private static String gcSummary() {
        StringBuilder text = new StringBuilder();
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!text.isEmpty()) {
                text.append(", ");
            }
            text.append(gc.getName()).append(' ').append(gc.getCollectionCount()).append("× ")
                    .append(gc.getCollectionTime()).append(" ms");
        }
        return text.toString();
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
