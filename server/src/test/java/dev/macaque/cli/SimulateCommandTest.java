package dev.macaque.cli;

import static dev.macaque.cli.CommandRuns.command;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.cli.CommandRuns.CommandRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code macaque simulate} command: files written, summary, and exit codes 0, 1 and 2. */
class SimulateCommandTest {
    private static final String SCENARIO = """
            name: cli
            seed: 3
            duration: 2h
            groups:
              - {name: api, region: us-east-1, zones: [a, b, c], desired: 3, bootTime: 60s, tags: {macaque-enabled: "true"}}
            services:
              - {name: api, group: api, capacityPerInstance: 100, load: 250}
            chaos:
              - {at: 1h, experiment: {name: kill-one, selection: {mode: count, value: 1}}}
            hypotheses:
              - "availability(api) >= 99.8"
              - "max(recoverySeconds) <= %s"
            """;

    @TempDir
    Path dir;

    private Path scenario(String maxRecovery) throws Exception {
        Path file = dir.resolve("cli.yaml");
        Files.writeString(file, SCENARIO.formatted(maxRecovery));
        return file;
    }

    @Test
    void whenEveryHypothesisHoldsItWritesTheThreeFilesPrintsASummaryAndExitsZero() throws Exception {
        Path out = dir.resolve("out");

        CommandRun run = command("simulate", scenario("70").toString(), "--out", out.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Simulated cli (" + dir.resolve("cli.yaml") + "), seed 3: 2h of virtual time")
                .contains("api      99.8056%").contains("PASS  availability(api) >= 99.8").contains("PASS  max(recoverySeconds) <= 70")
                .contains("2 of 2 hypotheses hold");
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(report.get("scenario").asText()).isEqualTo("cli");
        assertThat(report.get("seed").asLong()).isEqualTo(3);
        assertThat(report.at("/services/api/availability").decimalValue().toPlainString()).isEqualTo("99.8055555555556");
        assertThat(report.at("/groups/api/kills").asInt()).isEqualTo(1);
        assertThat(report.at("/groups/api/refusals").asInt()).isZero();
        assertThat(report.at("/groups/api/notRecovered").asInt()).isZero();
        assertThat(report.at("/groups/api/recoverySeconds/p50").asDouble()).isEqualTo(70.0);
        assertThat(report.at("/groups/api/recoverySeconds/p95").asDouble()).isEqualTo(70.0);
        assertThat(report.at("/groups/api/recoverySeconds/max").asDouble()).isEqualTo(70.0);
        assertThat(report.at("/hypotheses/1/expression").asText()).isEqualTo("max(recoverySeconds) <= 70");
        assertThat(report.at("/hypotheses/1/value").asDouble()).isEqualTo(70.0);
        assertThat(report.at("/hypotheses/1/passed").asBoolean()).isTrue();
        assertThat(Files.readAllLines(out.resolve("events.jsonl"))).hasSize((int) report.get("events").asLong())
                .anyMatch(line -> line.contains("\"type\":\"engine.TERMINATION_OUTCOME\""))
                .anyMatch(line -> line.contains("\"type\":\"group.recovered\""));
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("All 2 hypotheses hold")
                .contains("max(recoverySeconds) &lt;= 70").doesNotContain("<script").doesNotContain("http://")
                .doesNotContain("https://");
    }

    @Test
    void aFailedHypothesisExitsOneAndSaysHowToReproduce() throws Exception {
        Path file = scenario("60");

        CommandRun run = command("simulate", file.toString(), "--out", dir.resolve("out").toString(), "--seed", "11", "--quiet");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("FAIL  max(recoverySeconds) <= 60   measured 70 (" + file + ":12)")
                .contains("1 of 2 hypotheses FAILED").contains("reproduce with: macaque simulate " + file + " --seed 11")
                .doesNotContain("PASS");
    }

    @Test
    void anInvalidScenarioExitsTwoWithFileLineAndKeyOfEveryError() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                name: bad
                duration: 1h
                groups:
                  - {name: api, region: r, zones: [a], desired: 2}
                chaos:
                  - {at: 10m, experiment: {name: k, selection: {mode: count, value: -1}}}
                  - {at: 2h, experiment: {name: late, selection: {mode: count, value: 1}}}
                hypotheses:
                  - "kills(web) == 0"
                """);

        CommandRun run = command("simulate", file.toString(), "--out", dir.resolve("out").toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Invalid scenario:")
                .contains(file + ":6:chaos[0].experiment.selection.value: must be > 0")
                .contains(file + ":7:chaos[1].at: 2h is not before the end of the run (duration 1h)")
                .contains(file + ":9:hypotheses[0]: kills(web): no group 'web'");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void aWorldErrorFromTheScenarioParserExitsTwo() throws Exception {
        Path file = dir.resolve("world.yaml");
        Files.writeString(file, "name: w\nduration: 1h\ngroups:\n  - {name: api, region: r, zones: [a], desird: 2}\n");

        CommandRun run = command("simulate", file.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains(file + ":4:groups[0].desird");
    }

    @Test
    void aMissingFileExitsTwo() {
        CommandRun run = command("simulate", dir.resolve("nope.yaml").toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("nope.yaml").contains("cannot read");
    }

    @Test
    void anOutputFolderThatCannotBeCreatedExitsTwo() throws Exception {
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "not a folder");

        CommandRun run = command("simulate", scenario("70").toString(), "--out", blocker.resolve("out").toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("cannot write to " + blocker.resolve("out"));
    }

    @Test
    void simulateIsListedWithHelp() {
        assertThat(command("--help").out()).contains("simulate");
        CommandRun help = command("simulate", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: macaque simulate").contains("--seed").contains("--out").contains("--quiet")
                .contains("--seeds").contains("--compare").contains("--events");
    }
}
