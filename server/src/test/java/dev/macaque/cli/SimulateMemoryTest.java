package dev.macaque.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Big scenarios in small heaps, in a forked JVM with its own {@code -Xmx}: events stream to disk and the report is
 * aggregated as the run goes, so a month of a fleet with a daily schedule on every group runs in a heap far smaller
 * than its event log (tens of MB of text, several hundred MB as event objects); and a heap that is too small anyway
 * ends with one line naming the flag to raise and its own exit code (4), not a stack trace and exit code 1.
 * (The full 10,000 groups × 10 × 30 days in -Xmx1g is a manual check: see docs/simulation.md.)
 */
class SimulateMemoryTest {
    @TempDir
    Path dir;

    /** {@code groups} groups of 10 over three zones, 30 days, one Chaos Monkey schedule over all of them. */
    private Path fleet(int groups) throws Exception {
        StringBuilder yaml = new StringBuilder("name: fleet\nseed: 1\nduration: 30d\ngroups:\n");
        for (int i = 0; i < groups; i++) {
            yaml.append(String.format("  - {name: g%06d, region: region-%02d, zones: [a, b, c], desired: 10, bootTime: 60s,"
                    + " healthCheckGrace: 30s, tags: {macaque-enabled: \"true\"}}%n", i, i % 10));
        }
        yaml.append("services:\n");
        for (int i = 0; i < groups; i++) {
            yaml.append(String.format("  - {name: svc-g%06d, group: g%06d, capacityPerInstance: 10, load: 50}%n", i, i));
        }
        yaml.append("chaos:\n  - schedule: {meanTimeBetweenKills: 1d, window: {from: \"09:00\", to: \"17:00\", zone: UTC}}\n")
                .append("    experiment: {name: fleet-monkey}\nhypotheses:\n  - \"notRecovered() == 0\"\n");
        Path file = dir.resolve("fleet.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private record Forked(int exit, String out, String err) {
    }

    private Forked simulateIn(String heap, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "simulate"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the forked simulation ends").isTrue();
        return new Forked(process.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void aFleetMonthWithADailyScheduleOnEveryGroupRunsInAHeapSmallerThanItsEventLog() throws Exception {
        Path out = dir.resolve("report");

        Forked run = simulateIn("-Xmx48m", fleet(600).toString(), "--out", out.toString(), "--quiet");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("fleet: 1 of 1 hypotheses hold");
        assertThat(Files.size(out.resolve("events.jsonl"))).as("the event log is bigger than the whole heap").isGreaterThan(48L << 20);
        assertThat(Files.readString(out.resolve("report.json"))).contains("\"kills\":");
    }

    @Test
    void runningOutOfMemoryAnywayIsOneLineWithTheFlagToRaiseAndExitCodeThree() throws Exception {
        Path out = dir.resolve("report");

        Forked run = simulateIn("-Xmx24m", fleet(1000).toString(), "--out", out.toString(), "--quiet");

        assertThat(run.exit()).isEqualTo(ExitCodes.OUT_OF_MEMORY);
        assertThat(run.err().lines().toList()).singleElement().asString()
                .startsWith("macaque simulate: out of memory: the scenario does not fit in the ").contains("MACAQUE_OPTS=-Xmx");
        assertThat(out.resolve("report.json")).doesNotExist();
        assertThat(out.resolve("events.jsonl")).as("no half-written event log").doesNotExist();
    }
}
