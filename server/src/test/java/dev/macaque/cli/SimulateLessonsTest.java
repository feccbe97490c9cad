package dev.macaque.cli;

import static dev.macaque.cli.CommandRuns.command;
import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.cli.CommandRuns.CommandRun;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped lessons through the real command: exit codes, causes, comparisons, sweeps, event formats, output folders. */
class SimulateLessonsTest {
    private static final Path DOCS = Path.of("..", "docs", "scenarios");

    @TempDir
    Path dir;

    @Test
    void cascadingDependencyExitsOneAndNamesTheKillOfDbAsTheCause() {
        CommandRun run = command("simulate", DOCS.resolve("cascading-dependency.yaml").toString(), "--out", dir.toString());

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.out()).contains("FAIL  availability(web) >= 99.9").contains("INCIDENT  db lost 1 of 2 members at Thu 1 Jan 13:00 UTC (engine kill of db-")
                .contains("api and web, which depend on db (directly or not), served").contains("3 of 4 hypotheses FAILED");
    }

    @Test
    void stopConditionSavesSloNamesTheHaltAndBothKillsInTheTerminal() {
        CommandRun run = command("simulate", DOCS.resolve("stop-condition-saves-slo.yaml").toString(), "--out", dir.toString(),
                "--events", "none");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("HALT      run sim-0-1 (checkout-chaos) HALTED at Thu 1 Jan 13:02 UTC by probe checkout-ok")
                .contains("1 victim spared; web 99.9205% with the probes vs 99.7584% without")
                .contains("INCIDENT  web lost 1 of 4 members at Thu 1 Jan 13:00 UTC (engine kill of web-")
                .contains("): 600 ≥ 538 req/s, still enough; then 1 more at 13:02 (engine kill of web-")
                .contains("): 400 < 539 req/s → web served 74% until 13:10 (8 min 10 s).")
                .doesNotContain("over capacity");
    }

    @Test
    void theFixedVariantExitsZeroAndDoesNotOverwriteTheOriginalsReport() throws Exception {
        Path cwdOut = dir.resolve("simulation-out");
        CommandRun weak = command("simulate", DOCS.resolve("cascading-dependency.yaml").toString(), "--quiet", "--out",
                cwdOut.resolve(SimulateCommand.stem(Path.of("cascading-dependency.yaml"))).toString());
        CommandRun fixed = command("simulate", DOCS.resolve("cascading-dependency-fixed.yaml").toString(), "--quiet", "--out",
                cwdOut.resolve(SimulateCommand.stem(Path.of("cascading-dependency-fixed.yaml"))).toString());

        assertThat(weak.exit()).isEqualTo(1);
        assertThat(fixed.exit()).isZero();
        assertThat(Files.readString(cwdOut.resolve("cascading-dependency/report.json"))).contains("\"passed\":false");
        assertThat(Files.readString(cwdOut.resolve("cascading-dependency-fixed/report.json"))).contains("\"passed\":true");
    }

    @Test
    void theDefaultOutputFolderIsNamedAfterTheFileNotTheScenarioName() {
        assertThat(SimulateCommand.stem(Path.of("docs/scenarios/zone-outage-fixed.yaml"))).isEqualTo("zone-outage-fixed");
        assertThat(SimulateCommand.stem(Path.of("a.yml"))).isEqualTo("a");
    }

    @Test
    void compareWritesOnePageNamingTheDifferenceAndExitsWithTheSecondsVerdict() throws Exception {
        CommandRun run = command("simulate", DOCS.resolve("zone-outage.yaml").toString(), "--compare",
                DOCS.resolve("zone-outage-fixed.yaml").toString(), "--out", dir.toString(), "--events", "none");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("group checkout: desired 6 → 8").contains("group payments: zones [a, b] → [a, b, c]")
                .contains("zone-outage: 4 of 6 hypotheses hold, 2 incidents").contains("zone-outage-fixed: 6 of 6 hypotheses hold, 0 incidents");
        assertThat(Files.readString(dir.resolve("compare.html"))).contains("group payments: desired 4 → 6")
                .contains("href=\"zone-outage/report.html\"", "href=\"zone-outage-fixed/report.html\"");
        assertThat(dir.resolve("zone-outage/report.json")).exists();
        assertThat(dir.resolve("zone-outage-fixed/report.json")).exists();
        assertThat(dir.resolve("zone-outage/events.jsonl")).doesNotExist();
    }

    @Test
    void aSeedSweepWritesTheSameSweepJsonTwiceAndNamesTheWorstSeed() throws Exception {
        String file = DOCS.resolve("cascading-dependency.yaml").toString();
        CommandRun first = command("simulate", file, "--seeds", "1..6", "--out", dir.resolve("a").toString());
        CommandRun second = command("simulate", file, "--seeds", "1..6", "--out", dir.resolve("b").toString(), "--quiet");

        assertThat(first.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(Files.readString(dir.resolve("b/sweep.json"))).isEqualTo(Files.readString(dir.resolve("a/sweep.json")));
        assertThat(first.out()).contains("seeds 1..6").contains("worst seed").contains("replay it with: macaque simulate " + file + " --seed ");
        String worst = Files.readString(dir.resolve("a/sweep.json")).replaceAll("(?s).*\"worst\":\\{\\s*\"seed\":(\\d+).*", "$1");
        assertThat(Files.readString(dir.resolve("a/sweep.html"))).contains("Worst seed").contains("--seed")
                .contains("<svg id=\"per-seed\"").contains("href=\"seed-" + worst + "/report.html\"");
        assertThat(dir.resolve("a/seed-" + worst + "/report.html")).exists();
    }

    @Test
    void badSweepAndEventArgumentsExitTwoWithTheReason() {
        String file = DOCS.resolve("well-provisioned.yaml").toString();

        CommandRun range = command("simulate", file, "--seeds", "5-9");
        CommandRun both = command("simulate", file, "--seeds", "1..3", "--seed", "4");
        CommandRun format = command("simulate", file, "--events", "xml");

        assertThat(range.exit()).isEqualTo(2);
        assertThat(range.err()).contains("--seeds: '5-9' is not a seed range; write FIRST..LAST");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("cannot be combined with --seed");
        assertThat(format.exit()).isEqualTo(2);
        assertThat(format.err()).contains("--events: 'xml' is not an event log format; write none, jsonl or jsonl.gz");
    }

    @Test
    void eventsCanBeGzippedOrLeftOutAndTheReportIsTheSame() throws Exception {
        String file = DOCS.resolve("zone-outage.yaml").toString();
        command("simulate", file, "--quiet", "--out", dir.resolve("plain").toString());
        command("simulate", file, "--quiet", "--out", dir.resolve("gz").toString(), "--events", "jsonl.gz");
        command("simulate", file, "--quiet", "--out", dir.resolve("none").toString(), "--events", "none");

        byte[] gz = Files.readAllBytes(dir.resolve("gz/events.jsonl.gz"));
        byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes();
        assertThat(new String(unzipped, StandardCharsets.UTF_8)).isEqualTo(Files.readString(dir.resolve("plain/events.jsonl")));
        assertThat(dir.resolve("none/events.jsonl")).doesNotExist();
        assertThat(Files.readString(dir.resolve("none/report.json"))).isEqualTo(Files.readString(dir.resolve("plain/report.json")));
    }

    @Test
    void theProgressLineFitsEightyColumnsWhateverTheNameAndNumbers() {
        String line = ProgressLine.render("a-very-long-scenario-name-that-goes-on-and-on", Duration.ofDays(17), Duration.ofDays(30),
                123_456_789_012L, 0.5);
        String start = ProgressLine.render("x", Duration.ZERO, Duration.ofHours(2), 0, 0);

        assertThat(line.length()).isLessThanOrEqualTo(79);
        assertThat(line).startsWith("a-very-long-scenario-na…  [").contains("57%").contains("17.0 of 30 days");
        assertThat(start.length()).isLessThanOrEqualTo(79);
        assertThat(start).contains("[......").contains("0%").contains("0.0 of 2 h");
    }
}
