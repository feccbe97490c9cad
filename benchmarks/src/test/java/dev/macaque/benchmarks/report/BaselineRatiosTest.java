package dev.macaque.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineRatiosTest {
    @TempDir
    Path dir;

    private static String result(String benchmark, String mode, String params, double score, String unit, String secondary) {
        return """
                {"benchmark": "dev.macaque.benchmarks.%s", "mode": "%s", "params": {%s},
                 "primaryMetric": {"score": %s, "scoreError": 0.5, "scoreUnit": "%s"},
                 "secondaryMetrics": {%s}}""".formatted(benchmark, mode, params, score, unit, secondary);
    }

    private String report(String... results) throws IOException {
        Path file = dir.resolve("run.json");
        Files.writeString(file, "[" + String.join(",", results) + "]");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BaselineRatios.print(file, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void selectIsComparedWithTheFloorOfTheSameFleetSizeWhateverItsK() throws IOException {
        String report = report(
                result("selection.TargetSelectionBenchmark.floor", "avgt", "\"groups\": \"1000\", \"instancesPerGroup\": \"10\"",
                        2.0, "us/op", ""),
                result("selection.TargetSelectionBenchmark.floor", "avgt", "\"groups\": \"100000\", \"instancesPerGroup\": \"10\"",
                        200.0, "us/op", ""),
                result("selection.TargetSelectionBenchmark.select", "avgt",
                        "\"groups\": \"100000\", \"instancesPerGroup\": \"10\", \"k\": \"100\"", 500.0, "us/op",
                        "\"gc.alloc.rate.norm\": {\"score\": 123456.0}"));

        assertThat(report).contains("| selection.TargetSelectionBenchmark.select | groups=100000, instancesPerGroup=10, k=100 | 500 ± 0.500 us/op | 200 us/op | 2.50 × floor time")
                .contains("| 123,456 |");
    }

    @Test
    void naiveIsComparedWithTheEngineUnderTheSameFilter() throws IOException {
        String params = "\"groups\": \"1000000\", \"instancesPerGroup\": \"10\", \"k\": \"10000\"";
        String report = report(
                result("selection.TargetSelectionBenchmark.select", "avgt", params + ", \"targets\": \"none\"", 10.0, "us/op", ""),
                result("selection.TargetSelectionBenchmark.select", "avgt", params + ", \"targets\": \"regionAndTag\"", 20.0,
                        "us/op", ""),
                result("selection.TargetSelectionBenchmark.naive", "avgt", params, 4000.0, "us/op", ""));

        assertThat(report).contains("| 20.0 us/op | 200 × engine time");
    }

    @Test
    void aMissingBaselineIsSaidNotGuessed() throws IOException {
        String report = report(result("simulator.SimulatorThroughputBenchmark.world", "thrpt", "\"groups\": \"1000\"",
                1e6, "ops/s", ""));

        assertThat(report).contains("baseline not in this run");
    }

    @Test
    void auxiliaryCountersAreListed() throws IOException {
        String report = report(
                result("fleet.FleetScaleBenchmark.worldOnlyMonth", "ss", "\"groups\": \"10000\", \"days\": \"30\", \"regions\": \"20\"",
                        2.0, "s/op", "\"heapPeakMiB\": {\"score\": 50.0}"),
                result("fleet.FleetScaleBenchmark.chaosMonth", "ss", "\"groups\": \"10000\", \"days\": \"30\", \"regions\": \"20\"",
                        30.0, "s/op", "\"heapPeakMiB\": {\"score\": 700.0}, \"runsCompleted\": {\"score\": 307000.0}"));

        assertThat(report).contains("15.0 × world-only time").contains("heapPeakMiB=700, runsCompleted=307,000");
    }

    @Test
    void everyTargetIsPrintedBesideItsFigureAndSaysWhetherItIsMet() throws IOException {
        String k100 = "\"instancesPerGroup\": \"10\", \"k\": \"100\", \"targets\": \"regionAndTag\"";
        Path file = dir.resolve("targets.json");
        Files.writeString(file, "[" + String.join(",",
                result("selection.TargetSelectionBenchmark.floor", "avgt", "\"groups\": \"1000\", \"instancesPerGroup\": \"10\"",
                        2.0, "us/op", ""),
                result("selection.TargetSelectionBenchmark.select", "avgt", "\"groups\": \"1000\", " + k100, 6.5, "us/op", ""),
                result("selection.TargetSelectionBenchmark.floor", "avgt", "\"groups\": \"100000\", \"instancesPerGroup\": \"10\"",
                        200.0, "us/op", ""),
                result("selection.TargetSelectionBenchmark.select", "avgt", "\"groups\": \"100000\", " + k100, 700.0, "us/op", ""))
                + "]");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BaselineRatios.printTargets(java.util.List.of(file), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String report = bytes.toString(StandardCharsets.UTF_8);

        assertThat(report)
                .contains("| selection vs floor, k = 100, regionAndTag, 1,000 groups | 4.50 us/op (6.50 − 2.00) | ≤ 5.00 (absolute overhead) | **met** |")
                .contains("| selection vs floor, k = 100, regionAndTag, 100,000 groups | 3.50× | ≤ 3.00× | not met |")
                .contains("| selection vs floor, k = 100, regionAndTag, 1,000,000 groups | not measured in this run | ≤ 3.00× | — | |");
    }

    @Test
    void aFileThatIsNotAJmhResultIsRejectedWithItsName() throws IOException {
        Path file = dir.resolve("not-jmh.json");
        Files.writeString(file, "{\"hello\": 1}");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BaselineRatios.read(file))
                .isInstanceOf(IOException.class).hasMessageContaining("not-jmh.json");
    }
}
