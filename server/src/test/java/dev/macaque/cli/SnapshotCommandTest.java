package dev.macaque.cli;

import static dev.macaque.cli.CommandRuns.command;
import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.cli.CommandRuns.CommandRun;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.simulated.scenario.ScenarioParser;
import dev.macaque.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code macaque snapshot} against a configured simulated provider and a real H2 database. */
class SnapshotCommandTest {
    @TempDir
    Path dir;

    private Path config() throws Exception {
        Files.writeString(dir.resolve("world.yaml"), """
                name: fleet
                duration: 1d
                groups:
                  - {name: api, region: us-east-1, zones: [a, b, c], desired: 3, bootTime: 60s, tags: {macaque-enabled: "true", team: shop}}
                  - {name: db, region: us-east-1, zones: [a, b], desired: 2, bootTime: 60s}
                """);
        Path config = dir.resolve("macaque.yaml");
        Files.writeString(config, "database:\n  url: jdbc:h2:file:" + dir.resolve("data/macaque") + "\nproviders:\n"
                + "  prod:\n    type: simulated\n    world: " + dir.resolve("world.yaml") + "\n");
        return config;
    }

    @Test
    void writesTheFleetAsAScenarioWithMeasuredBootTimesWhereKnownAndTheDefaultElsewhere() throws Exception {
        Path config = config();
        // One recovery of api measured by this server: 75 s.
        try (Database database = Database.open(new MacaqueConfig.DatabaseConfig("jdbc:h2:file:" + dir.resolve("data/macaque"),
                "macaque", "", 2))) {
            database.inTransaction(c -> {
                try (PreparedStatement run = c.prepareStatement("INSERT INTO runs (id, name, state, spec_json, seed, dry_run, "
                        + "created_by, created_at, updated_at) VALUES ('r1', 'k', 'COMPLETED', '{}', 1, FALSE, 't', ?, ?)");
                     PreparedStatement event = c.prepareStatement("INSERT INTO run_events (run_id, seq, occurred_at, type, data_json) "
                             + "VALUES ('r1', 1, ?, 'GROUP_RECOVERED', '{\"group\":\"prod/us-east-1/api\",\"after\":\"75s\"}')")) {
                    OffsetDateTime now = OffsetDateTime.now();
                    run.setObject(1, now);
                    run.setObject(2, now);
                    run.executeUpdate();
                    event.setObject(1, now);
                    event.executeUpdate();
                }
                return null;
            });
        }
        Path out = dir.resolve("snap/fleet.yaml");

        CommandRun run = command("snapshot", "--config", config.toString(), "--out", out.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("2 groups of provider prod, 1 with a measured boot time, 1 with the default 90s");
        Scenario snapshot = ScenarioParser.parse(out);
        assertThat(snapshot.groups()).extracting(g -> g.name() + " " + g.desired() + " " + g.zones() + " " + g.bootTime().min())
                .containsExactly("api 3 [a, b, c] " + Duration.ofSeconds(75), "db 2 [a, b] " + Duration.ofSeconds(90));
        assertThat(snapshot.groups().get(0).tags()).containsEntry("team", "shop").containsEntry("macaque-enabled", "true");
        assertThat(Files.readString(out)).contains("# boot time: default, never measured here");
    }

    @Test
    void anUnknownProviderExitsTwoNamingTheConfiguredOnes() throws Exception {
        CommandRun run = command("snapshot", "--config", config().toString(), "--provider", "prd", "--out", dir.resolve("x.yaml").toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--provider 'prd' is not configured; configured: prod");
        assertThat(dir.resolve("x.yaml")).doesNotExist();
    }
}
