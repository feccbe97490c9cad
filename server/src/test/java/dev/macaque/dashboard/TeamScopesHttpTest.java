package dev.macaque.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.audit.AuditEntry;
import dev.macaque.audit.AuditLog;
import dev.macaque.http.Problem;
import dev.macaque.http.TestServer;
import dev.macaque.killswitch.KillSwitchStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Teams: a token scoped to {@code team: storefront} on the demo world (web, api, eu-web, eu-api are storefront's;
 * cache is platform's; db is data's and not opted in). It reads the whole fleet, but its previews, runs, schedules
 * and aborts stay within its team, by the API and by the dashboard; only an unscoped admin releases the kill switch.
 */
class TeamScopesHttpTest {
    static final String EVERYTHING = "{\"name\":\"all\",\"selection\":{\"mode\":\"count\",\"value\":1},\"dryRun\":true}";

    @TempDir
    static Path home;
    static TestServer server;
    static String storefront;
    static String storefrontAdmin;

    @BeforeAll
    static void start() {
        server = TestServer.start(home, Map.of("sim", Map.of("type", "simulated", "world", "demo", "speed", "600")));
        storefront = token("storefront-oncall", "operator", "{\"team\":\"storefront\"}");
        storefrontAdmin = token("storefront-lead", "admin", "{\"team\":\"storefront\"}");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void releaseTheKillSwitch() {
        server.server.injector().getInstance(KillSwitchStore.class).set(false, null, "test");
    }

    static String token(String name, String role, String scope) {
        HttpResponse<String> created = server.sendJson("POST", "/api/v1/tokens", server.adminToken,
                "{\"name\":\"" + name + "\",\"role\":\"" + role + "\",\"scope\":" + scope + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return TestServer.json(created).get("token").asText();
    }

    static Map<String, String> reasons(JsonNode excluded) {
        Map<String, String> byGroup = new TreeMap<>();
        excluded.forEach(e -> byGroup.put(e.get("group").asText(), e.get("reason").asText()));
        return byGroup;
    }

    @Test
    void aScopedPreviewHasOnlyItsTeamsGroupsEligibleAndTheOthersOutOfScope() {
        JsonNode preview = TestServer.json(server.sendJson("POST", "/api/v1/experiments/preview", storefront, EVERYTHING));

        List<String> eligible = new ArrayList<>();
        preview.get("eligible").forEach(g -> eligible.add(g.get("group").asText()));
        assertThat(eligible).containsExactlyInAnyOrder("web", "api", "eu-web", "eu-api");
        // db is not opted in and out of scope: the owner's opt-in is judged first
        assertThat(reasons(preview.get("excluded"))).isEqualTo(Map.of("cache", "OUT_OF_SCOPE", "db", "NOT_OPTED_IN"));
        assertThat(preview.get("excluded").findValuesAsText("detail")).contains("outside the scope team=storefront (its team is 'platform')");
        // the admin's unscoped preview of the same spec has cache eligible
        JsonNode unscoped = TestServer.json(server.sendJson("POST", "/api/v1/experiments/preview", server.adminToken, EVERYTHING));
        assertThat(unscoped.get("eligible").findValuesAsText("group")).contains("cache");
    }

    @Test
    void aRunNamingOnlyAnotherTeamsGroupIsA422NamingTheScope() {
        HttpResponse<String> refused = server.sendJson("POST", "/api/v1/experiments", storefront,
                "{\"name\":\"cache\",\"targets\":{\"groups\":[\"cache\"]},\"selection\":{\"mode\":\"count\",\"value\":1}}");

        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).startsWith(Problem.CONTENT_TYPE);
        assertThat(reasons(TestServer.json(refused).get("excluded"))).containsEntry("cache", "OUT_OF_SCOPE");
        assertThat(TestServer.json(refused).get("detail").asText()).contains("no group is eligible");
    }

    @Test
    void aTemplatesRunIsScopedToo() {
        assertThat(server.sendJson("PUT", "/api/v1/templates/cache-drill", server.adminToken,
                "{\"name\":\"cache-drill\",\"targets\":{\"groups\":[\"cache\"]},\"selection\":{\"mode\":\"count\",\"value\":1}}")
                .statusCode()).isEqualTo(201);

        HttpResponse<String> refused = server.sendJson("POST", "/api/v1/templates/cache-drill/runs", storefront, "{\"dryRun\":true}");

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(reasons(TestServer.json(refused).get("excluded"))).containsEntry("cache", "OUT_OF_SCOPE");
    }

    @Test
    void aSpecAskingForAnotherScopeIsRefusedField() {
        HttpResponse<String> refused = server.sendJson("POST", "/api/v1/experiments", storefront,
                "{\"name\":\"sneaky\",\"targets\":{\"scope\":{\"team\":\"platform\"}},\"selection\":{\"mode\":\"count\",\"value\":1}}");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(refused).get("errors").get(0).get("field").asText()).isEqualTo("targets.scope.team");
    }

    @Test
    void aScopedRunKeepsItsScopeAndKillsOnlyInItAndOnlyItsTeamMayAbortIt() {
        String paced = "{\"name\":\"paced\",\"selection\":{\"mode\":\"count\",\"value\":2},\"pacing\":{\"between\":\"10m\"},\"dryRun\":true}";
        HttpResponse<String> created = server.sendJson("POST", "/api/v1/experiments", storefront, paced);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode run = TestServer.json(created);
        assertThat(run.get("spec").get("targets").get("scope")).isEqualTo(TestServer.JSON.createObjectNode().put("team", "storefront"));
        run.get("victims").forEach(v -> assertThat(v.get("group").asText()).doesNotContain("cache").doesNotContain("db"));
        String own = run.get("id").asText();

        HttpResponse<String> adminRun = server.sendJson("POST", "/api/v1/experiments", server.adminToken, paced);
        String unscoped = TestServer.json(adminRun).get("id").asText();

        HttpResponse<String> refused = server.sendJson("POST", "/api/v1/experiments/" + unscoped + "/abort", storefront, "");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(TestServer.json(refused).get("detail").asText()).contains("is not within your scope (team=storefront")
                .contains("it may touch any group");
        PageClient page = PageClient.signedIn(server, storefront);
        assertThat(page.postFromPage("/experiments/" + unscoped + "/abort", Map.of()).statusCode()).isEqualTo(403);
        assertThat(TestServer.json(server.get("/api/v1/experiments/" + unscoped, storefront)).get("state").asText()).isNotEqualTo("ABORTED");

        assertThat(server.sendJson("POST", "/api/v1/experiments/" + own + "/abort", storefront, "").statusCode()).isEqualTo(202);
        assertThat(server.sendJson("POST", "/api/v1/experiments/" + unscoped + "/abort", server.adminToken, "").statusCode()).isEqualTo(202);
        assertThat(audit("auth.denied")).anySatisfy(e -> {
            assertThat(e.target()).isEqualTo("abort " + unscoped);
            assertThat(e.role()).isEqualTo("operator");
            assertThat(e.detail()).isEqualTo("run outside the scope team=storefront");
        });
    }

    @Test
    void theDashboardsPreviewOfAScopedOperatorShowsTheOtherTeamsGroupsOutOfScope() {
        PageClient page = PageClient.signedIn(server, storefront);

        HttpResponse<String> preview = page.postFromPage("/experiments/new", Map.of("editor", "json", "action", "preview",
                "spec", EVERYTHING));

        assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
        assertThat(preview.body()).contains("OUT_OF_SCOPE: outside the scope team=storefront (its team is 'platform')");
    }

    @Test
    void aScopedSchedulesExperimentIsScopedAndAnotherTeamsScheduleCannotBeChanged() {
        String schedule = "{\"name\":\"%s\",\"experiment\":{\"targets\":{\"providers\":[\"sim\"]}},\"meanTimeBetweenKills\":\"5d\"}";
        HttpResponse<String> own = server.sendJson("POST", "/api/v1/schedules", storefront, schedule.formatted("storefront-daily"));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(201);
        assertThat(TestServer.json(own).get("definition").get("experiment").get("targets").get("scope").get("team").asText())
                .isEqualTo("storefront");
        JsonNode upcoming = TestServer.json(server.get("/api/v1/schedules/" + TestServer.json(own).get("id").asText() + "/upcoming",
                storefront));
        upcoming.get("eligibleGroups").forEach(g -> assertThat(g.toString()).doesNotContain("cache"));
        assertThat(upcoming.get("eligibleGroups").size()).isEqualTo(4);

        String platforms = TestServer.json(server.sendJson("POST", "/api/v1/schedules", server.adminToken,
                schedule.formatted("fleet-daily"))).get("id").asText();
        HttpResponse<String> update = server.sendJson("PUT", "/api/v1/schedules/" + platforms, storefront, schedule.formatted("mine-now"));
        HttpResponse<String> delete = server.sendJson("DELETE", "/api/v1/schedules/" + platforms, storefront, "");

        assertThat(update.statusCode()).as(update.body()).isEqualTo(403);
        assertThat(delete.statusCode()).isEqualTo(403);
        assertThat(server.get("/api/v1/schedules/" + platforms, storefront).statusCode()).isEqualTo(200);
    }

    @Test
    void anyOperatorEngagesTheKillSwitchButOnlyAnUnscopedAdminReleasesIt() {
        HttpResponse<String> engaged = server.sendJson("PUT", "/api/v1/killswitch", storefront, "{\"engaged\":true,\"reason\":\"pager\"}");
        assertThat(engaged.statusCode()).isEqualTo(200);

        HttpResponse<String> scopedRelease = server.sendJson("PUT", "/api/v1/killswitch", storefrontAdmin, "{\"engaged\":false}");
        assertThat(scopedRelease.statusCode()).isEqualTo(403);
        assertThat(TestServer.json(scopedRelease).get("detail").asText())
                .contains("releasing the kill switch needs an unscoped principal; 'storefront-lead' acts within the scope team=storefront");
        PageClient lead = PageClient.signedIn(server, storefrontAdmin);
        assertThat(lead.postFromPage("/killswitch/release", Map.of()).statusCode()).isEqualTo(403);
        assertThat(server.server.injector().getInstance(KillSwitchStore.class).engaged()).isTrue();

        assertThat(server.sendJson("PUT", "/api/v1/killswitch", server.adminToken, "{\"engaged\":false}").statusCode()).isEqualTo(200);
    }

    @Test
    void aScopedAdminCreatesTokensOnlyWithinItsScope() {
        HttpResponse<String> wider = server.sendJson("POST", "/api/v1/tokens", storefrontAdmin,
                "{\"name\":\"everyone\",\"role\":\"operator\",\"scope\":{\"tier\":\"frontend\"}}");
        HttpResponse<String> unscoped = server.sendJson("POST", "/api/v1/tokens", storefrontAdmin,
                "{\"name\":\"root\",\"role\":\"admin\",\"scope\":{}}");
        HttpResponse<String> narrower = server.sendJson("POST", "/api/v1/tokens", storefrontAdmin,
                "{\"name\":\"web-bot\",\"role\":\"operator\",\"scope\":{\"team\":\"storefront\",\"tier\":\"frontend\"}}");
        HttpResponse<String> inherited = server.sendJson("POST", "/api/v1/tokens", storefrontAdmin,
                "{\"name\":\"ci\",\"role\":\"operator\"}");

        assertThat(wider.statusCode()).as(wider.body()).isEqualTo(422);
        assertThat(TestServer.json(wider).get("errors").get(0).get("field").asText()).isEqualTo("scope");
        assertThat(unscoped.statusCode()).isEqualTo(422);
        assertThat(narrower.statusCode()).as(narrower.body()).isEqualTo(201);
        assertThat(TestServer.json(narrower).get("scope").size()).isEqualTo(2);
        assertThat(inherited.statusCode()).isEqualTo(201);
        assertThat(TestServer.json(inherited).get("scope").get("team").asText()).isEqualTo("storefront");
        // the scope is stored: the new token's preview is scoped too
        JsonNode preview = TestServer.json(server.sendJson("POST", "/api/v1/experiments/preview",
                TestServer.json(narrower).get("token").asText(), EVERYTHING));
        assertThat(preview.get("eligible").findValuesAsText("group")).containsExactlyInAnyOrder("web", "eu-web");
        JsonNode list = TestServer.json(server.get("/api/v1/tokens", server.adminToken));
        assertThat(list.get("items").findValues("scope").stream().filter(s -> !s.isNull()).count()).isGreaterThanOrEqualTo(4);
    }

    static List<AuditEntry> audit(String action) {
        return server.server.injector().getInstance(AuditLog.class).list(new AuditLog.Filter(action, null, null), null, null, 200);
    }
}
