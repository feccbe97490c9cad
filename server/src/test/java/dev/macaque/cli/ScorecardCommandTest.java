package dev.macaque.cli;

import static dev.macaque.cli.CommandRuns.command;

import dev.macaque.cli.CommandRuns.CommandRun;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.http.TestServer;
import dev.macaque.scorecard.ScorecardWorld;
import dev.macaque.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code macaque scorecard} against a real server after a recovered and a not-recovered real run. */
class ScorecardCommandTest {
    @TempDir
    Path home;
    private ScorecardWorld world;

    @AfterEach
    void stop() {
        if (world != null) {
            world.close();
        }
    }

    private CommandRun scorecard(String... extra) {
        String[] args = new String[extra.length + 5];
        args[0] = "scorecard";
        System.arraycopy(extra, 0, args, 1, extra.length);
        args[extra.length + 1] = "--server";
        args[extra.length + 2] = "http://127.0.0.1:" + world.server.server.port();
        args[extra.length + 3] = "--token";
        args[extra.length + 4] = world.viewer;
        return command(args);
    }

    @Test
    void printsTheFleetTeamsAndGroupsMostInNeedFirstAndGatesOnTheFleetScore() {
        world = new ScorecardWorld(home, TestDatabases.h2(home));
        JsonNode web = world.run("web", false, "30s");
        JsonNode stuck = world.run("stuck", false, "1s");
        world.clock.set(ScorecardWorld.recoveredAt(web).plusSeconds(60));

        CommandRun run = scorecard();

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
        // web 100, stuck 50, old, idle and dry 0: 150 / 5
        assertThat(run.out()).contains("Fleet score 30.0 over 5 groups").contains("1 open findings");
        String groups = run.out().substring(run.out().indexOf("GROUP"));
        assertThat(groups.indexOf("sim/r1/stuck")).as("FAILING (50) before VERIFIED (100)").isLessThan(groups.indexOf("sim/r1/web"));
        assertThat(groups).contains("NOT_RECOVERED " + stuck.get("id").asText());
        assertThat(run.out()).containsPattern("shop +2 +75\\.0 +1 +0 +1 +0");

        CommandRun gate = scorecard("--fail-under", "50");
        assertThat(gate.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(gate.err()).contains("fleet score 30.0 is below --fail-under 50.0");
        assertThat(scorecard("--fail-under", "30").exit()).isEqualTo(ExitCodes.OK);
        assertThat(scorecard("--fail-under", "101").exit()).isEqualTo(ExitCodes.INVALID_INPUT);

        CommandRun json = scorecard("--json");
        assertThat(readJson(json.out()).get("fleet").get("score").asDouble()).isEqualTo(30.0);
    }

    private static JsonNode readJson(String text) {
        try {
            return TestServer.JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
