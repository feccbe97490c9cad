package dev.macaque.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.config.MacaqueConfig;
import dev.macaque.experiments.RunStore;
import dev.macaque.http.TestServer;
import dev.macaque.store.Database;
import dev.macaque.store.Sql;
import dev.macaque.store.TestDatabases;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The overview's kills of the last 24 hours: real ones only, at most 20 with a link to the rest; rehearsals counted apart. */
class OverviewKillsTest {
    @TempDir
    Path home;
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void realKillsAreBoundedWithALinkToTheRestAndDryRunsAreCountedApart() {
        server = TestServer.start(home, TestDatabases.h2(home), MacaqueConfig.Mode.UNLEASHED,
                Map.of("tc", Map.of("type", "testcloud", "groups", "eu-west-1:web:4:true", "healAfterMillis", "50")));
        Instant now = Instant.now();
        server.server.injector().getInstance(RunStore.class).create("run_history", "history", 1, false, "test", now.minusSeconds(600),
                "{\"name\":\"history\"}", null, null);
        // 23 real kills and 3 rehearsals an hour ago, all settled (none holds its group busy)
        server.server.injector().getInstance(Database.class).inTransaction(c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO terminations (run_id, seq, provider, region, group_name, "
                    + "instance_id, dry_run, state, outcome, intended_at, completed_at, settled_at) "
                    + "VALUES ('run_history', ?, 'tc', 'eu-west-1', 'gone', ?, ?, 'DONE', ?, ?, ?, ?)")) {
                for (int i = 0; i < 26; i++) {
                    boolean dryRun = i >= 23;
                    Instant at = now.minusSeconds(3600 - i);
                    insert.setInt(1, i + 1);
                    insert.setString(2, "vm-" + i);
                    insert.setBoolean(3, dryRun);
                    insert.setString(4, dryRun ? "WOULD_TERMINATE" : "TERMINATED");
                    Sql.setInstant(insert, 5, at);
                    Sql.setInstant(insert, 6, at);
                    Sql.setInstant(insert, 7, at);
                    insert.executeUpdate();
                }
            }
            return null;
        });

        String overview = PageClient.signedIn(server, server.adminToken).get("/").body();

        String kills = overview.substring(overview.indexOf("id=\"kills-title\""), overview.indexOf("id=\"degraded-title\""));
        assertThat(Pattern.compile("<li>").matcher(kills).results().count()).isEqualTo(20);
        assertThat(kills).doesNotContain("WOULD_TERMINATE").doesNotContain("vm-23")
                .contains("Only the latest 20 are shown; the rest are in <a href=\"/experiments\">the history</a>.")
                .contains("Also 3 would-be terminations of dry runs (rehearsals, not kills)");
    }
}
