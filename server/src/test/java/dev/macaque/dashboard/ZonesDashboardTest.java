package dev.macaque.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.config.MacaqueConfig;
import dev.macaque.experiments.ExperimentService;
import dev.macaque.http.TestServer;
import dev.macaque.store.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's groups × zones page and the zone mode of the New-experiment form, on a world counted by hand. */
class ZonesDashboardTest {
    /** The world fills the emptiest zone first: api a, b, a, b; solo a, a (single-zone). */
    private static final String WORLD = """
            name: w
            duration: 1d
            groups:
              - {name: api, region: r1, zones: [a, b], desired: 4, bootTime: 30s, tags: {macaque-enabled: "true"}}
              - {name: solo, region: r1, zones: [a], desired: 2, bootTime: 30s, tags: {macaque-enabled: "true"}}
            """;

    @TempDir
    static Path home;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        Path world = home.resolve("world.yaml");
        Files.writeString(world, WORLD);
        server = TestServer.startWith(home, TestDatabases.h2(home), MacaqueConfig.Mode.LEASHED,
                Map.of("sim", Map.of("type", "simulated", "world", world.toString(), "speed", "600")), c -> c);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theZonesPageShowsEachGroupInEachZoneWithWhatTheZonesOutageWouldDo() {
        PageClient viewer = PageClient.signedIn(server, server.token("looker", "viewer"));
        assertThat(viewer.get("/fleet").body()).contains("href=\"/fleet/zones\"", "Groups × zones");

        String html = viewer.get("/fleet/zones?provider=sim").body();

        assertThat(html).contains("2 groups × 2 zones of provider sim");
        assertThat(html).containsPattern("<th scope=\"col\">r1/a</th><th scope=\"col\">r1/b</th>");
        // api keeps 2 of 4 without either zone (50% needs 2) and comes back in the default 90 s boot time
        assertThat(html).containsPattern("sim/r1/api</th>\\s*<td>4 / 4</td>\\s*<td>2 · <span class=\"tone-good\"[^>]*>RECOVERS</span> 90 s</td>\\s*"
                + "<td>2 · <span class=\"tone-good\"[^>]*>RECOVERS</span> 90 s</td>");
        assertThat(html).containsPattern("sim/r1/solo</th>\\s*<td>2 / 2</td>\\s*<td>2 · <span class=\"tone-bad\" title=\"single-zone group"
                + "[^>]*>SINGLE_ZONE</span></td>\\s*<td>–</td>");
        assertThat(html).contains("1 opted-in group would be refused by a zone outage");
    }

    @Test
    void anUnknownProviderIsAPageThatSaysSo() {
        HttpResponse<String> answer = PageClient.signedIn(server, server.adminToken).get("/fleet/zones?provider=nope");
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(answer.body()).contains("no provider 'nope' is configured (configured: sim)");
    }

    @Test
    void theNewExperimentFormStartsAZoneOutageAndKeepsTheZoneAcrossEditors() {
        PageClient operator = PageClient.signedIn(server, server.adminToken);
        assertThat(operator.get("/experiments/new").body()).contains("<option value=\"zone\"");

        HttpResponse<String> json = operator.postFromPage("/experiments/new", Map.of("editor", "form", "action", "to-json",
                "name", "gorilla", "mode", "zone", "value", "a", "dryRun", "true"));
        assertThat(json.body()).contains("\"mode\" : \"zone\"", "\"zone\" : \"a\"").doesNotContain("\"value\" :");

        HttpResponse<String> started = operator.postFromPage("/experiments/new", Map.of("editor", "form", "action", "start",
                "name", "gorilla", "mode", "zone", "value", "a", "dryRun", "true"));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(303);
        String runId = started.headers().firstValue("Location").orElseThrow().substring("/experiments/".length());
        ExperimentService experiments = server.server.injector().getInstance(ExperimentService.class);
        assertThat(experiments.view(runId).orElseThrow().spec().path("selection").path("zone").asText()).isEqualTo("a");
    }
}
