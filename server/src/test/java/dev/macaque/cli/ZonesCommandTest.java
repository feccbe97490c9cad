package dev.macaque.cli;

import static dev.macaque.cli.CommandRuns.command;
import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.cli.CommandRuns.CommandRun;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.http.TestServer;
import dev.macaque.store.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code macaque zones}: the readiness table, and an exit code a pipeline can gate on. */
class ZonesCommandTest {
    @TempDir
    Path home;

    private CommandRun zones(String world, String... more) throws Exception {
        Path file = home.resolve("world.yaml");
        Files.writeString(file, world);
        try (TestServer server = TestServer.start(home, TestDatabases.h2(home), MacaqueConfig.Mode.LEASHED,
                Map.of("sim", Map.of("type", "simulated", "world", file.toString())))) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("zones", "--server",
                    "http://127.0.0.1:" + server.server.port(), "--token", server.adminToken));
            args.addAll(java.util.List.of(more));
            return command(args.toArray(String[]::new));
        }
    }

    @Test
    void aSingleZoneGroupIsNamedAndTheCommandExitsOne() throws Exception {
        CommandRun run = zones("""
                name: w
                duration: 1d
                groups:
                  - {name: api, region: r1, zones: [a, b], desired: 4, bootTime: 30s, tags: {macaque-enabled: "true"}}
                  - {name: solo, region: r1, zones: [a], desired: 2, bootTime: 30s, tags: {macaque-enabled: "true"}}
                """, "--provider", "sim");

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.out()).containsPattern("r1/a\\s+sim/r1/api\\s+2 of 4\\s+2\\s+RECOVERS\\s+90.0s")
                .containsPattern("r1/a\\s+sim/r1/solo\\s+2 of 2\\s+0\\s+SINGLE_ZONE\\s+-")
                .containsPattern("r1/b\\s+sim/r1/api\\s+2 of 4\\s+2\\s+RECOVERS")
                .contains("1 opted-in group would be refused by a zone outage");
    }

    @Test
    void aFleetThatSurvivesEveryZoneExitsZeroAndAnUnknownProviderIsAClearError() throws Exception {
        String world = """
                name: w
                duration: 1d
                groups:
                  - {name: api, region: r1, zones: [a, b, c], desired: 3, bootTime: 30s, tags: {macaque-enabled: "true"}}
                """;
        CommandRun run = zones(world);
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).containsPattern("r1/c\\s+sim/r1/api\\s+1 of 3\\s+2\\s+RECOVERS");

        CommandRun unknown = zones(world, "--provider", "nope");
        assertThat(unknown.exit()).isNotEqualTo(ExitCodes.OK);
        assertThat(unknown.err()).contains("no provider 'nope' is configured");
    }
}
