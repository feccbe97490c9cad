package dev.macaque.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.macaque.audit.AuditEntry;
import dev.macaque.audit.AuditLog;
import dev.macaque.cli.MacaqueCommand;
import dev.macaque.experiments.ExperimentService;
import dev.macaque.experiments.RunEventBroadcaster;
import dev.macaque.http.TestServer;
import dev.macaque.killswitch.KillSwitchStore;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's page handlers over plain HTTP: sessions, CSRF, roles, headers, forms, one server on the demo world. */
class DashboardHttpTest {
    static final List<String> PAGES = List.of("/", "/fleet", "/fleet/sim/us-east-1/api", "/fleet/zones", "/experiments", "/experiments/new", "/schedules",
            "/audit", "/simulations");

    @TempDir
    static Path home;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(home, Map.of("sim", Map.of("type", "simulated", "world", "demo", "speed", "600")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void releaseTheKillSwitch() {
        server.server.injector().getInstance(KillSwitchStore.class).set(false, null, "test");
    }

    @Test
    void aPageWithoutASessionSendsTheBrowserToSignInAndBackAfterwards() {
        HttpResponse<String> answer = new PageClient(server).get("/fleet?q=api");

        assertThat(answer.statusCode()).isEqualTo(303);
        assertThat(answer.headers().firstValue("Location")).hasValue("/sign-in?next=%2Ffleet%3Fq%3Dapi");
    }

    @Test
    void signingInSetsAnHttpOnlySameSiteStrictSessionCookieAndGoesWhereTheUserWasHeaded() {
        PageClient browser = new PageClient(server);
        HttpResponse<String> answer = browser.post("/sign-in", Map.of("token", server.adminToken, "next", "/fleet"));

        assertThat(answer.statusCode()).isEqualTo(303);
        assertThat(answer.headers().firstValue("Location")).hasValue("/fleet");
        String cookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith(PageAccess.COOKIE + "=").contains("; HttpOnly", "; SameSite=Strict", "; Path=/", "; Max-Age=28800");
        assertThat(cookie).doesNotContain(server.adminToken);
    }

    @Test
    void signInNeverRedirectsToAnotherSite() {
        HttpResponse<String> answer = new PageClient(server).post("/sign-in", Map.of("token", server.adminToken, "next", "//evil.example/x"));

        assertThat(answer.headers().firstValue("Location")).hasValue("/");
    }

    @Test
    void aWrongTokenIsRefusedOnTheSignInPageAndAudited() {
        HttpResponse<String> answer = new PageClient(server).post("/sign-in", Map.of("token", "mq_not-a-token", "next", "/"));

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).contains("That token is not valid or was revoked.").contains("<label for=\"token\">API token</label>");
        assertThat(answer.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(audit("dashboard.sign-in")).anySatisfy(e -> assertThat(e.outcome()).isEqualTo("unauthenticated"));
    }

    @Test
    void everyPageCarriesAStrictContentSecurityPolicyAndHasNoInlineScriptOrStyle() {
        PageClient admin = PageClient.signedIn(server, server.adminToken);
        for (String page : PAGES) {
            HttpResponse<String> answer = admin.get(page);
            assertThat(answer.statusCode()).as(page).isEqualTo(200);
            String csp = answer.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(csp).as(page).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe");
            assertThat(answer.headers().firstValue("Cache-Control")).as(page).hasValue("no-store");
            String html = answer.body();
            assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>").matcher(html).find()).as(page + ": inline script").isFalse();
            assertThat(html).as(page).doesNotContain("<style", " style=\"", " onclick=", " onload=", "javascript:", "http://", "https://");
        }
    }

    @Test
    void theFleetPageListsTheDemoGroupsWithOptInWeightAndHealth() {
        String html = PageClient.signedIn(server, server.adminToken).get("/fleet").body();

        assertThat(html).contains(">web</a>", ">api</a>", ">cache</a>", ">db</a>", ">eu-web</a>", ">eu-api</a>");
        assertThat(html).contains("6 groups");
        String searched = PageClient.signedIn(server, server.adminToken).get("/fleet?q=eu-&optedIn=true").body();
        assertThat(searched).contains(">eu-web</a>", ">eu-api</a>").doesNotContain(">cache</a>").contains("2 groups");
    }

    /** Pages read the node's fleet inventory, and say how old what they show is. */
    @Test
    void theFleetGroupAndOverviewPagesSayHowOldTheirGroupsAre() {
        PageClient admin = PageClient.signedIn(server, server.adminToken);

        assertThat(admin.get("/fleet").body()).containsPattern("<time class=\"as-of\" datetime=\"[^\"]+\">as of \\d+ s ago</time>");
        assertThat(admin.get("/fleet/sim/eu-west-1/eu-api").body())
                .containsPattern("<dt>Observed</dt><dd><time class=\"as-of\" datetime=\"[^\"]+\">as of \\d+ s ago</time>");
        assertThat(admin.get("/").body()).containsPattern("Fleet health <time class=\"as-of\" datetime=\"[^\"]+\">as of \\d+ s ago</time>");
    }

    @Test
    void aViewerSeesNoActionButtonsAndAForgedActionIsForbiddenAndAudited() {
        PageClient viewer = PageClient.signedIn(server, server.token("wall-screen", "viewer"));

        String overview = viewer.get("/").body();
        assertThat(overview).contains("Kill switch").doesNotContain("Engage kill switch", "Release kill switch", "/experiments/new");
        assertThat(viewer.get("/experiments/new").statusCode()).isEqualTo(403);

        HttpResponse<String> forged = viewer.postFromPage("/killswitch/engage", Map.of("reason", "forged"));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(forged.body()).contains("needs the operator role");
        assertThat(server.server.injector().getInstance(KillSwitchStore.class).engaged()).isFalse();
        assertThat(audit("auth.denied")).anySatisfy(e -> assertThat(e.target()).isEqualTo("POST /killswitch/engage"));
    }

    @Test
    void anOperatorMayEngageButNotReleaseTheKillSwitch() {
        PageClient operator = PageClient.signedIn(server, server.token("on-call", "operator"));

        assertThat(operator.postFromPage("/killswitch/engage", Map.of("reason", "incident 7")).statusCode()).isEqualTo(303);
        assertThat(server.server.injector().getInstance(KillSwitchStore.class).state().reason()).isEqualTo("incident 7");
        String overview = operator.get("/").body();
        assertThat(overview).contains("Kill switch engaged").doesNotContain("Release kill switch");
        assertThat(operator.postFromPage("/killswitch/release", Map.of()).statusCode()).isEqualTo(403);
        assertThat(server.server.injector().getInstance(KillSwitchStore.class).engaged()).isTrue();
    }

    @Test
    void anActionWithoutTheSessionsCsrfTokenOrFromAnotherOriginIsRefused() {
        PageClient admin = PageClient.signedIn(server, server.adminToken);

        assertThat(admin.post("/killswitch/engage", Map.of()).statusCode()).isEqualTo(403);
        assertThat(admin.post("/killswitch/engage", Map.of("csrf", "guess")).statusCode()).isEqualTo(403);
        Map<String, String> form = Map.of("csrf", admin.csrf());
        HttpResponse<String> crossSite = admin.send(admin.request("/killswitch/engage").header("Origin", "http://evil.example")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(PageClient.encode(form))));
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(crossSite.body()).contains("cross-origin request refused");
        assertThat(server.server.injector().getInstance(KillSwitchStore.class).engaged()).isFalse();

        assertThat(admin.post("/killswitch/engage", form).statusCode()).isEqualTo(303);
        assertThat(server.server.injector().getInstance(KillSwitchStore.class).engaged()).isTrue();
    }

    @Test
    void signingOutEndsTheSessionOnTheServer() {
        PageClient admin = PageClient.signedIn(server, server.adminToken);
        String stolen = admin.cookie;

        HttpResponse<String> out = admin.postFromPage("/sign-out", Map.of());

        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
        PageClient replay = new PageClient(server);
        replay.cookie = stolen;
        assertThat(replay.get("/").statusCode()).isEqualTo(303);
    }

    @Test
    void revokingTheTokenEndsItsDashboardSessions() {
        String token = server.token("temp", "operator");
        PageClient operator = PageClient.signedIn(server, token);
        assertThat(operator.get("/").statusCode()).isEqualTo(200);
        String id = TestServer.json(server.get("/api/v1/tokens", server.adminToken)).get("items").findValues("id").stream()
                .map(n -> n.asText()).filter(i -> TestServer.json(server.get("/api/v1/tokens", server.adminToken)).toString()
                        .contains("\"id\":\"" + i + "\",\"name\":\"temp\"")).findFirst().orElseThrow();
        server.sendJson("DELETE", "/api/v1/tokens/" + id, server.adminToken, "");

        assertThat(operator.get("/").statusCode()).isEqualTo(303);
    }

    @Test
    void staticFilesComeFromThisServerWithLongCacheHeadersAndEtags() {
        String html = PageClient.signedIn(server, server.adminToken).get("/").body();
        Matcher urls = Pattern.compile("(?:src|href)=\"(/assets/[^\"]+)\"").matcher(html);
        List<String> assets = new ArrayList<>();
        while (urls.find()) {
            assets.add(urls.group(1));
        }
        assertThat(assets).anyMatch(u -> u.contains("/htmx.org/")).anyMatch(u -> u.contains("/htmx-ext-sse/"))
                .anyMatch(u -> u.contains("/uplot/")).anyMatch(u -> u.endsWith("/dashboard.css"));
        PageClient anonymous = new PageClient(server);
        for (String asset : assets) {
            HttpResponse<String> answer = anonymous.get(asset);
            assertThat(answer.statusCode()).as(asset).isEqualTo(200);
            assertThat(answer.headers().firstValue("Cache-Control")).as(asset).hasValue("public, max-age=31536000, immutable");
            assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).as(asset).matches("text/(javascript|css); charset=utf-8|image/svg\\+xml");
            String etag = answer.headers().firstValue("ETag").orElseThrow();
            assertThat(anonymous.send(anonymous.request(asset).header("If-None-Match", etag).GET()).statusCode()).isEqualTo(304);
        }
        assertThat(anonymous.get("/assets/lib/htmx.org/0.0.1/dist/htmx.min.js").statusCode()).isEqualTo(404);
    }

    @Test
    void theApiDocsPageLoadsSwaggerUiFromThisServer() {
        HttpResponse<String> docs = new PageClient(server).get("/docs");

        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).contains("/assets/lib/swagger-ui/", "data-spec-url=\"/openapi.json\"");
    }

    @Test
    void aViewerOpeningNewExperimentGetsA403PageInsideTheDashboardFrame() {
        HttpResponse<String> answer = PageClient.signedIn(server, server.token("curious-viewer", "viewer")).navigate("/experiments/new");

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(answer.headers().firstValue("Content-Security-Policy")).isPresent();
        String html = answer.body();
        assertThat(html).contains("<h1 id=\"error-title\">Not allowed <span class=\"muted\">(403)</span></h1>", "needs the operator role",
                "<nav aria-label=\"Main\">", "href=\"/fleet\"", "curious-viewer", "href=\"/\">Back to the overview</a>");
    }

    @Test
    void anUnknownUrlIsA404PageInsideTheFrameWhileTheApiKeepsProblemJson() {
        PageClient admin = PageClient.signedIn(server, server.adminToken);

        HttpResponse<String> page = admin.navigate("/no-such-page");
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("Page not found", "no such resource: GET /no-such-page", "<nav aria-label=\"Main\">",
                "Back to the overview");
        HttpResponse<String> run = admin.navigate("/experiments/run_nope");
        assertThat(run.statusCode()).isEqualTo(404);
        assertThat(run.body()).contains("Page not found", "no experiment run with id 'run_nope'");

        HttpResponse<String> anonymous = new PageClient(server).navigate("/no-such-page");
        assertThat(anonymous.statusCode()).isEqualTo(404);
        assertThat(anonymous.body()).contains("Page not found", "href=\"/sign-in\">Sign in</a>").doesNotContain("<nav aria-label=\"Main\">");

        HttpResponse<String> api = admin.navigate("/api/v1/no-such-thing");
        assertThat(api.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
    }

    @Test
    void anErrorInAPageIsA500PageInsideTheFrameThatLeaksNothing(@TempDir Path otherHome) {
        com.google.inject.Module broken = binder -> com.google.inject.multibindings.Multibinder.newSetBinder(binder,
                dev.macaque.http.RouteGroup.class).addBinding().toInstance(routes -> routes.get("/broken-page", ctx -> {
                    throw new IllegalStateException("secret internal detail");
                }));
        try (TestServer other = TestServer.start(otherHome, Map.of("sim", Map.of("type", "simulated", "world", "demo")), broken)) {
            HttpResponse<String> answer = PageClient.signedIn(other, other.adminToken).navigate("/broken-page");

            assertThat(answer.statusCode()).isEqualTo(500);
            assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
            assertThat(answer.body()).contains("Something went wrong <span class=\"muted\">(500)</span>", "internal error; see the server log",
                    "<nav aria-label=\"Main\">", "Back to the overview").doesNotContain("secret internal detail");
        }
    }

    @Test
    void theFaviconIsServedByTheServerAndEveryPageNamesIt() {
        PageClient admin = PageClient.signedIn(server, server.adminToken);
        HttpResponse<String> legacy = admin.get("/favicon.ico");
        assertThat(legacy.statusCode()).isEqualTo(301);
        String icon = legacy.headers().firstValue("Location").orElseThrow();
        assertThat(icon).matches("/assets/app/[0-9a-f]{16}/favicon.svg");
        HttpResponse<String> svg = admin.get(icon);
        assertThat(svg.headers().firstValue("Content-Type").orElseThrow()).startsWith("image/svg+xml");
        assertThat(svg.body()).startsWith("<svg");
        for (String page : PAGES) {
            assertThat(admin.get(page).body()).as(page).contains("<link rel=\"icon\" type=\"image/svg+xml\" href=\"" + icon + "\">");
        }
        assertThat(new PageClient(server).get("/docs").body()).contains("href=\"" + icon + "\"", "Back to the dashboard");
    }

    @Test
    void aGroupPageListsItsMembersAndTagsAndOpensANewExperimentAimedAtIt() {
        PageClient operator = PageClient.signedIn(server, server.token("group-reader", "operator"));

        String html = operator.get("/fleet/sim/us-east-1/cache").body();

        assertThat(html).contains("Members <span class=\"muted\">(3)</span>", "<th scope=\"col\">Zone</th>", "<td>IN_SERVICE</td>",
                ">healthy</span>", "<code>team</code>=<code>platform</code>", "<code>macaque-enabled</code>=<code>true</code>");
        Matcher member = Pattern.compile("<tr>\\s*<td>(cache-[^<]+)</td>\\s*<td>([ab])</td>").matcher(html);
        assertThat(member.find()).as("each member with its zone").isTrue();
        assertThat(html).containsPattern("<td><time datetime=\"\\d{4}-\\d{2}-\\d{2}T[^\"]+Z\">\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC</time></td>");
        Matcher link = Pattern.compile("id=\"new-experiment-on-group\" href=\"([^\"]+)\"").matcher(html);
        assertThat(link.find()).isTrue();
        assertThat(link.group(1)).isEqualTo("/experiments/new?group=sim%2Fus-east-1%2Fcache");

        String form = operator.get(link.group(1)).body();
        assertThat(form).contains("id=\"f-providers\" name=\"providers\" type=\"text\" value=\"sim\"",
                "id=\"f-regions\" name=\"regions\" type=\"text\" value=\"us-east-1\"",
                "id=\"f-groups\" name=\"groups\" type=\"text\" value=\"cache\"").containsPattern("id=\"f-dryRun\"[^>]*checked");
        assertThat(operator.get("/experiments/new?group=cache").statusCode()).isEqualTo(400);
        assertThat(PageClient.signedIn(server, server.token("group-viewer", "viewer")).get("/fleet/sim/us-east-1/cache").body())
                .doesNotContain("New experiment on this group");
    }

    @Test
    void aGroupsRecoveryChartLeavesDryRunsOut() {
        PageClient admin = PageClient.signedIn(server, server.adminToken);
        String location = admin.postFromPage("/experiments/new", Map.of("editor", "form", "action", "start", "name", "rehearsal",
                "groups", "eu-web", "mode", "count", "value", "1", "dryRun", "true")).headers().firstValue("Location").orElseThrow();
        ExperimentService experiments = server.server.injector().getInstance(ExperimentService.class);
        String runId = location.substring("/experiments/".length());
        await().atMost(Duration.ofSeconds(20)).until(() -> ExperimentService.isTerminal(experiments.view(runId).orElseThrow().state()));

        String html = admin.get("/fleet/sim/eu-west-1/eu-web").body();

        assertThat(html).contains("/experiments/" + runId, "dry run").contains("No real kill of this group has recovered yet")
                .doesNotContain("id=\"recovery-chart\"");
    }

    @Test
    void everyPageSaysTheServersModeInItsHeader() {
        PageClient admin = PageClient.signedIn(server, server.adminToken);
        List<String> pages = new ArrayList<>(PAGES);
        pages.add("/no-such-page");
        for (String page : pages) {
            assertThat(admin.navigate(page).body()).as(page).contains("id=\"mode\"", "Mode <strong>leashed</strong>",
                    "every real cloud is forced to dry runs");
        }
        assertThat(new PageClient(server).get("/sign-in").body()).contains("Mode <strong>leashed</strong>");
        assertThat(new PageClient(server).get("/docs").body()).contains("Mode <strong>leashed</strong>");
    }

    @Test
    void anUnleashedServerSaysSoOnEveryPage(@TempDir Path otherHome) {
        try (TestServer unleashed = TestServer.start(otherHome, dev.macaque.store.TestDatabases.h2(otherHome),
                dev.macaque.config.MacaqueConfig.Mode.UNLEASHED, Map.of("sim", Map.of("type", "simulated", "world", "demo")))) {
            PageClient admin = PageClient.signedIn(unleashed, unleashed.adminToken);
            for (String page : List.of("/", "/fleet", "/experiments/new")) {
                assertThat(admin.get(page).body()).as(page).contains("class=\"mode mode-unleashed\"", "Mode <strong>unleashed</strong>");
            }
            String confirm = admin.postFromPage("/experiments/new", Map.of("editor", "form", "action", "start", "name", "real",
                    "groups", "web", "mode", "count", "value", "1")).body();
            assertThat(confirm).contains("<strong>Mode: unleashed.</strong> The instances below are terminated for real.");
        }
    }

    @Test
    void aScheduleIsCreatedEditedDisabledAndEnabledFromTheSchedulesPage() {
        PageClient operator = PageClient.signedIn(server, server.token("schedule-keeper", "operator"));
        assertThat(operator.get("/schedules").body()).contains("href=\"/schedules/new\"");
        Map<String, String> fields = new LinkedHashMap<>(Map.of("name", "ui-weekdays", "enabled", "true", "meanTimeBetweenKills", "5d",
                "minTimeBetweenKills", "1d", "weekdays", "MON, WED", "from", "10:00", "to", "16:00", "zone", "Europe/Paris",
                "holidays", "2026-12-25", "experiment", "{\"targets\": {\"groups\": [\"web\"]}, \"dryRun\": true}"));

        HttpResponse<String> created = operator.postFromPage("/schedules/new", fields);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(303);
        assertThat(created.headers().firstValue("Location")).hasValue("/schedules?notice=schedule-created");
        dev.macaque.chaosmonkey.ScheduleService schedules = server.server.injector().getInstance(dev.macaque.chaosmonkey.ScheduleService.class);
        var schedule = schedules.list().stream().filter(v -> v.name().equals("ui-weekdays")).findFirst().orElseThrow();
        assertThat(schedule.enabled()).isTrue();
        assertThat(schedule.definition().at("/window/zone").asText()).isEqualTo("Europe/Paris");
        assertThat(schedule.definition().at("/window/weekdays").toString()).isEqualTo("[\"MON\",\"WED\"]");
        assertThat(schedule.definition().at("/experiment/targets/groups/0").asText()).isEqualTo("web");
        assertThat(operator.get("/schedules?notice=schedule-created").body()).contains("Schedule created.", "ui-weekdays");

        String edit = operator.get("/schedules/" + schedule.id() + "/edit").body();
        assertThat(edit).contains("id=\"s-zone\" name=\"zone\" type=\"text\" value=\"Europe/Paris\"",
                "id=\"s-weekdays\" name=\"weekdays\" type=\"text\" value=\"MON, WED\"");
        fields.put("meanTimeBetweenKills", "3d");
        assertThat(operator.postFromPage("/schedules/" + schedule.id() + "/edit", fields).statusCode()).isEqualTo(303);
        assertThat(schedules.find(schedule.id()).orElseThrow().definition().path("meanTimeBetweenKills").asText()).isEqualTo("3d");

        assertThat(operator.postFromPage("/schedules/" + schedule.id() + "/disable", Map.of()).headers().firstValue("Location"))
                .hasValue("/schedules?notice=schedule-disabled");
        assertThat(schedules.find(schedule.id()).orElseThrow().enabled()).isFalse();
        assertThat(operator.get("/schedules").body()).contains("id=\"state-" + schedule.id() + "\">disabled</span>",
                "action=\"/schedules/" + schedule.id() + "/enable\"");
        operator.postFromPage("/schedules/" + schedule.id() + "/enable", Map.of());
        assertThat(schedules.find(schedule.id()).orElseThrow().enabled()).isTrue();
        assertThat(schedules.find(schedule.id()).orElseThrow().definition().path("meanTimeBetweenKills").asText())
                .as("enabling keeps the rest of the definition").isEqualTo("3d");
    }

    @Test
    void aScheduleFormShowsTheApisValidationErrorsAtTheirFieldsAndSavesNothing() {
        PageClient operator = PageClient.signedIn(server, server.token("schedule-typo", "operator"));
        dev.macaque.chaosmonkey.ScheduleService schedules = server.server.injector().getInstance(dev.macaque.chaosmonkey.ScheduleService.class);
        int before = schedules.list().size();
        Map<String, String> fields = new LinkedHashMap<>(Map.of("name", "broken", "enabled", "true", "meanTimeBetweenKills", "",
                "from", "25:00", "zone", "Mars/Olympus", "experiment", "{\"targets\": {\"groups\": [\"web\"]}}"));

        HttpResponse<String> answer = operator.postFromPage("/schedules/new", fields);

        assertThat(answer.statusCode()).isEqualTo(400);
        String html = answer.body();
        assertThat(html).contains("The schedule is not valid.");
        // the same definition through the API: the same messages, each shown at its field
        HttpResponse<String> api = server.sendJson("POST", "/api/v1/schedules", server.adminToken,
                "{\"name\":\"broken\",\"enabled\":true,\"window\":{\"from\":\"25:00\",\"zone\":\"Mars/Olympus\"},"
                        + "\"experiment\":{\"targets\":{\"groups\":[\"web\"]}}}");
        assertThat(api.statusCode()).isEqualTo(400);
        var apiErrors = TestServer.json(api).get("errors");
        assertThat(apiErrors.size()).isEqualTo(3);
        for (var error : apiErrors) {
            String field = error.get("field").asText();
            String formField = field.startsWith("window.") ? field.substring("window.".length()) : field;
            assertThat(html).as(field).containsPattern("id=\"error-" + formField + "\">[^<]*" + Pattern.quote(
                    html(error.get("message").asText())));
        }
        assertThat(html).containsPattern("id=\"s-zone\"[^>]*aria-invalid=\"true\"");

        fields.put("meanTimeBetweenKills", "5d");
        fields.put("from", "09:00");
        fields.put("zone", "UTC");
        fields.put("experiment", "{\"targets\": ");
        HttpResponse<String> notJson = operator.postFromPage("/schedules/new", fields);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(fieldError(notJson.body(), "experiment")).contains("not valid JSON");
        assertThat(schedules.list()).hasSize(before);
        assertThat(PageClient.signedIn(server, server.token("schedule-watcher", "viewer")).get("/schedules/new").statusCode()).isEqualTo(403);
    }

    @Test
    void theNewExperimentFormShowsEachValidationErrorAtItsFieldAndStartsNothing() {
        PageClient operator = PageClient.signedIn(server, server.token("form-filler", "operator"));
        int before = runs();
        Map<String, String> form = new LinkedHashMap<>(Map.of("editor", "form", "action", "start", "name", "",
                "mode", "count", "value", "-1", "groups", "api", "dryRun", "true"));

        HttpResponse<String> answer = operator.postFromPage("/experiments/new", form);

        assertThat(answer.statusCode()).isEqualTo(400);
        String html = answer.body();
        assertThat(html).contains("The spec is not valid.");
        assertThat(fieldError(html, "value")).contains("selection.value");
        assertThat(fieldError(html, "name")).contains("name is required");
        assertThat(html).containsPattern("id=\"f-value\"[^>]*aria-invalid=\"true\"");
        assertThat(html).contains("value=\"api\""); // what was typed is kept
        assertThat(runs()).isEqualTo(before);
    }

    @Test
    void theJsonEditorReportsBrokenJsonAtTheEditor() {
        PageClient operator = PageClient.signedIn(server, server.adminToken);

        HttpResponse<String> answer = operator.postFromPage("/experiments/new", Map.of("editor", "json", "action", "start",
                "spec", "{\"name\": \"x\",,}"));

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(fieldError(answer.body(), "spec")).contains("not valid JSON").contains("line 1");
    }

    @Test
    void dryRunIsCheckedByDefaultAndADoubleSubmitStartsOneRun() {
        PageClient operator = PageClient.signedIn(server, server.adminToken);
        String form = operator.get("/experiments/new").body();
        assertThat(form).containsPattern("id=\"f-dryRun\"[^>]*checked");
        assertThat(form).contains(">Preview</button>").doesNotContain("is not available on this server yet");
        Matcher requestId = Pattern.compile("name=\"requestId\" value=\"([^\"]+)\"").matcher(form);
        assertThat(requestId.find()).isTrue();
        Map<String, String> fields = Map.of("editor", "form", "action", "start", "requestId", requestId.group(1), "name", "http-dry",
                "groups", "api", "mode", "count", "value", "1", "dryRun", "true");

        HttpResponse<String> first = operator.postFromPage("/experiments/new", fields);
        HttpResponse<String> again = operator.postFromPage("/experiments/new", fields);

        assertThat(first.statusCode()).isEqualTo(303);
        String location = first.headers().firstValue("Location").orElseThrow();
        assertThat(again.headers().firstValue("Location")).hasValue(location);
        String runId = location.substring("/experiments/".length());
        ExperimentService experiments = server.server.injector().getInstance(ExperimentService.class);
        assertThat(experiments.view(runId).orElseThrow().dryRun()).isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> ExperimentService.isTerminal(experiments.view(runId).orElseThrow().state()));
        String page = operator.get(location).body();
        assertThat(page).contains("COMPLETED", "Termination intent recorded", "WOULD_TERMINATE").doesNotContain(">Abort</button>");
    }

    @Test
    void aRealKillWithoutTheConfirmationCreatesNothingAndSaysWhatItWouldTerminate() {
        PageClient operator = PageClient.signedIn(server, server.adminToken);
        int before = runs();
        Map<String, String> fields = new LinkedHashMap<>(Map.of("editor", "form", "action", "start", "name", "kill-one-cache",
                "groups", "cache", "mode", "count", "value", "1", "timeout", "5m", "pollInterval", "1s"));

        HttpResponse<String> asked = operator.postFromPage("/experiments/new", fields);

        assertThat(asked.statusCode()).isEqualTo(200);
        assertThat(runs()).as("a Start without confirm creates no run").isEqualTo(before);
        String html = asked.body();
        assertThat(html).contains("id=\"confirm\"", "Mode: leashed</strong>, but this run reaches only the simulated cloud", "Start terminates <strong>1 instance</strong>",
                "in 1 group", "<strong>sim/us-east-1/cache</strong>: 1 (", "Type the experiment's name, <code>kill-one-cache</code>, to confirm");
        // the confirmation carries the spec with the seed it was previewed with: what it shows is what it starts
        Matcher seed = Pattern.compile("\\(seed (\\d+)\\)").matcher(html);
        assertThat(seed.find()).isTrue();
        assertThat(html).containsPattern("id=\"f-seed\" name=\"seed\" type=\"text\" value=\"" + seed.group(1) + "\"");

        fields.put("confirm", "kill-one-cach");
        HttpResponse<String> mistyped = operator.postFromPage("/experiments/new", fields);
        assertThat(mistyped.statusCode()).isEqualTo(200);
        assertThat(mistyped.body()).contains("id=\"confirm-error\"", "is not the experiment's name");
        assertThat(runs()).isEqualTo(before);

        fields.put("confirm", "kill-one-cache");
        fields.put("seed", seed.group(1));
        HttpResponse<String> confirmed = operator.postFromPage("/experiments/new", fields);
        assertThat(confirmed.statusCode()).isEqualTo(303);
        assertThat(runs()).isEqualTo(before + 1);
        String runId = confirmed.headers().firstValue("Location").orElseThrow().substring("/experiments/".length());
        ExperimentService experiments = server.server.injector().getInstance(ExperimentService.class);
        var run = experiments.view(runId).orElseThrow();
        assertThat(run.dryRun()).isFalse();
        assertThat(run.seed()).isEqualTo(Long.parseLong(seed.group(1)));
        experiments.abort(runId, new dev.macaque.auth.Principal("test", "test", dev.macaque.auth.Role.ADMIN), "test over", "test");
    }

    @Test
    void aDryRunNeedsNoConfirmationAndTheFormsDefaultButtonIsPreviewNotStart() {
        String form = PageClient.signedIn(server, server.adminToken).get("/experiments/new").body();

        Matcher firstButton = Pattern.compile("<form method=\"post\" action=\"/experiments/new\" class=\"spec\".*?<button type=\"submit\"([^>]*)>",
                Pattern.DOTALL).matcher(form);
        assertThat(firstButton.find()).isTrue();
        assertThat(firstButton.group(1)).as("Enter presses the form's first submit button").contains("value=\"preview\"");
    }

    @Test
    void previewThenStartWithAnEmptySeedRunsThePreviewedVictimsAndTheRunPageComparesThem() {
        PageClient operator = PageClient.signedIn(server, server.adminToken);
        String page = operator.get("/experiments/new").body();
        Matcher requestId = Pattern.compile("name=\"requestId\" value=\"([^\"]+)\"").matcher(page);
        assertThat(requestId.find()).isTrue();
        Map<String, String> fields = new LinkedHashMap<>(Map.of("editor", "form", "action", "preview", "requestId", requestId.group(1),
                "name", "previewed", "groups", "eu-web", "mode", "count", "value", "2", "dryRun", "true", "seed", ""));

        String preview = operator.postFromPage("/experiments/new", fields).body();

        Matcher seed = Pattern.compile("id=\"f-seed\" name=\"seed\" type=\"text\" value=\"(\\d+)\"").matcher(preview);
        assertThat(seed.find()).as("the form carries the previewed seed").isTrue();
        assertThat(preview).contains("Preview (seed " + seed.group(1) + ")");
        List<String> previewed = new ArrayList<>();
        Matcher victims = Pattern.compile("<li>(sim/[^<]+)</li>").matcher(preview.substring(preview.indexOf("id=\"preview-victims\"")));
        while (victims.find() && previewed.size() < 2) {
            previewed.add(victims.group(1));
        }
        assertThat(previewed).hasSize(2);

        fields.put("action", "start");
        fields.put("seed", seed.group(1));
        String location = operator.postFromPage("/experiments/new", fields).headers().firstValue("Location").orElseThrow();
        ExperimentService experiments = server.server.injector().getInstance(ExperimentService.class);
        String runId = location.substring("/experiments/".length());
        await().atMost(Duration.ofSeconds(20)).until(() -> !experiments.view(runId).orElseThrow().victims().isEmpty());
        var run = experiments.view(runId).orElseThrow();
        assertThat(run.seed()).isEqualTo(Long.parseLong(seed.group(1)));
        assertThat(run.victims().stream().map(v -> v.group() + "/" + v.instanceId()).toList()).containsExactlyInAnyOrderElementsOf(previewed);
        assertThat(operator.get(location).body()).contains("Previewed against actual", "Same victims</span> as the preview (2)");

        // a spec changed after its preview is not that preview: the run page makes no claim about it
        await().atMost(Duration.ofSeconds(20)).until(() -> ExperimentService.isTerminal(experiments.view(runId).orElseThrow().state()));
        fields.put("action", "preview");
        fields.put("requestId", java.util.UUID.randomUUID().toString());
        fields.put("seed", "");
        operator.postFromPage("/experiments/new", fields);
        fields.put("action", "start");
        fields.put("value", "1");
        String other = operator.postFromPage("/experiments/new", fields).headers().firstValue("Location").orElseThrow();
        assertThat(operator.get(other).body()).doesNotContain("Previewed against actual");
    }

    @Test
    void switchingEditorsKeepsTheSpec() {
        PageClient operator = PageClient.signedIn(server, server.adminToken);

        String json = operator.postFromPage("/experiments/new", Map.of("editor", "form", "action", "to-json", "name", "switch",
                "groups", "api, web", "mode", "percent", "value", "50")).body();
        assertThat(json).contains("\"groups\" : [ \"api\", \"web\" ]").contains("\"dryRun\" : false");
        String back = operator.postFromPage("/experiments/new", Map.of("editor", "json", "action", "to-form",
                "spec", "{\"name\":\"switch\",\"targets\":{\"groups\":[\"api\",\"web\"]},\"selection\":{\"mode\":\"percent\",\"value\":50},\"dryRun\":false}")).body();
        assertThat(back).contains("value=\"api, web\"").containsPattern("value=\"percent\"[^>]*selected");
        assertThat(back).doesNotContainPattern("id=\"f-dryRun\"[^>]*checked");
    }

    @Test
    void everyOpenRunPageIsOneSubscriberOfTheRunsBroadcastAndFollowsItToTheEnd() throws Exception {
        PageClient operator = PageClient.signedIn(server, server.adminToken);
        PageClient wallScreen = PageClient.signedIn(server, server.token("game-day-screen", "viewer"));
        RunEventBroadcaster broadcaster = server.server.injector().getInstance(RunEventBroadcaster.class);
        ExperimentService experiments = server.server.injector().getInstance(ExperimentService.class);
        int before = broadcaster.subscribers();
        // a real kill that polls its group's health once a minute: it stays VERIFYING until it is aborted
        HttpResponse<String> started = operator.postFromPage("/experiments/new", Map.of("editor", "form", "action", "start",
                "name", "watched-live", "groups", "eu-api", "mode", "count", "value", "1", "pollInterval", "1m", "timeout", "30m",
                "confirm", "watched-live"));
        String runId = started.headers().firstValue("Location").orElseThrow().substring("/experiments/".length());
        await().atMost(Duration.ofSeconds(20)).until(() -> experiments.view(runId).orElseThrow().state().equals("VERIFYING"));
        String page = operator.get("/experiments/" + runId).body();
        Matcher live = Pattern.compile("sse-connect=\"([^\"]+)\"").matcher(page);
        assertThat(live.find()).as("the page connects to its live stream").isTrue();

        var operatorView = operator.stream(live.group(1).replace("&amp;", "&"));
        var screenView = wallScreen.stream("/experiments/" + runId + "/live?after=0");
        await().atMost(Duration.ofSeconds(20)).until(() -> broadcaster.subscribers() == before + 2);
        assertThat(broadcaster.feeds()).as("both pages share one read of the run's events").isEqualTo(1);
        // a page whose session ends stops streaming at once, although the run goes on
        PageClient leaving = PageClient.signedIn(server, server.adminToken);
        var leavingView = leaving.stream("/experiments/" + runId + "/live?after=0");
        await().atMost(Duration.ofSeconds(20)).until(() -> broadcaster.subscribers() == before + 3);
        assertThat(leaving.postFromPage("/sign-out", Map.of()).statusCode()).isEqualTo(303);
        assertThat(leavingView.get(20, java.util.concurrent.TimeUnit.SECONDS)).doesNotContain("event: end");
        await().atMost(Duration.ofSeconds(20)).until(() -> broadcaster.subscribers() == before + 2);
        assertThat(experiments.view(runId).orElseThrow().state()).isEqualTo("VERIFYING");
        assertThat(operator.postFromPage("/experiments/" + runId + "/abort", Map.of()).statusCode()).isEqualTo(303);

        List<String> fromZero = screenView.get(20, java.util.concurrent.TimeUnit.SECONDS);
        List<String> fromPage = operatorView.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(fromZero).contains("event: timeline", "event: summary", "event: end");
        assertThat(String.join("\n", fromZero)).contains("data-type=\"RUN_CREATED\"", "data-type=\"TERMINATION_INTENT\"",
                "data-type=\"RUN_ABORTED\"").doesNotContain(">Abort</button>");
        // the page had rendered the events up to `after`: its stream starts with what came later
        assertThat(String.join("\n", fromPage)).doesNotContain("data-type=\"RUN_CREATED\"").contains("data-type=\"RUN_ABORTED\"",
                "event: end");
        await().atMost(Duration.ofSeconds(20)).until(() -> broadcaster.subscribers() == before);

        String group = operator.get("/fleet/sim/eu-west-1/eu-api").body();
        assertThat(group).contains("Kill history", "/experiments/" + runId, "No real kill of this group has recovered yet");
    }

    @Test
    void aLiveViewBeyondTheRunsSubscriberLimitIsRefusedWith503() {
        PageClient admin = PageClient.signedIn(server, server.adminToken);
        RunEventBroadcaster broadcaster = server.server.injector().getInstance(RunEventBroadcaster.class);
        String location = admin.postFromPage("/experiments/new", Map.of("editor", "form", "action", "start", "name", "crowded",
                "groups", "web", "mode", "count", "value", "1", "dryRun", "true")).headers().firstValue("Location").orElseThrow();
        String runId = location.substring("/experiments/".length());
        // the run's places, taken as other viewers would take them (limits.eventStreamsPerRun)
        List<RunEventBroadcaster.Slot> taken = new ArrayList<>();
        try {
            while (true) {
                try {
                    taken.add(broadcaster.reserve(runId));
                } catch (RunEventBroadcaster.TooManySubscribers full) {
                    break;
                }
            }

            HttpResponse<String> refused = admin.send(admin.request(location + "/live").header("Accept", "text/event-stream").GET());

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("30");
            assertThat(refused.body()).contains("limits.eventStreamsPerRun");
        } finally {
            taken.forEach(RunEventBroadcaster.Slot::release);
        }
    }

    @Test
    void aTemplateFillsTheFormAsADryRunAndItsRunNamesTheTemplate() {
        assertThat(server.sendJson("PUT", "/api/v1/templates/nightly-api", server.adminToken, "{\"name\":\"nightly\",\"targets\":"
                + "{\"groups\":[\"api\"]},\"selection\":{\"mode\":\"count\",\"value\":1},\"dryRun\":false}").statusCode()).isEqualTo(201);
        PageClient operator = PageClient.signedIn(server, server.adminToken);
        String blank = operator.get("/experiments/new").body();
        assertThat(blank).contains("Start from a template or a blank spec").containsPattern("<option value=\"nightly-api\"[^>]*>nightly-api \\(version 1");

        String form = operator.get("/experiments/new?template=nightly-api").body();

        assertThat(form).contains("id=\"f-name\" name=\"name\" type=\"text\" value=\"nightly\"", "value=\"api\"");
        assertThat(form).as("a template starts as a dry run, whatever it says").containsPattern("id=\"f-dryRun\"[^>]*checked");
        assertThat(form).contains("From template <strong>nightly-api</strong> version 1", "Start runs it as this template");
        Map<String, String> fields = new LinkedHashMap<>(Map.of("editor", "form", "action", "start", "template", "nightly-api",
                "templateVersion", "1", "name", "nightly", "groups", "api", "mode", "count", "value", "1", "dryRun", "true"));
        String asTemplate = operator.postFromPage("/experiments/new", fields).headers().firstValue("Location").orElseThrow();
        ExperimentService experiments = server.server.injector().getInstance(ExperimentService.class);
        var run = experiments.view(asTemplate.substring("/experiments/".length())).orElseThrow();
        assertThat(run.template()).isEqualTo(new dev.macaque.experiments.RunView.TemplateRef("nightly-api", 1));
        assertThat(run.dryRun()).isTrue();
        assertThat(operator.get(asTemplate).body()).contains("from template <span id=\"run-template\">nightly-api version 1</span>");

        fields.put("groups", "api, web");
        fields.put("action", "to-json");
        assertThat(operator.postFromPage("/experiments/new", fields).body()).contains("<strong>edited</strong>, so Start runs it as a new spec");
        fields.put("action", "start");
        String edited = operator.postFromPage("/experiments/new", fields).headers().firstValue("Location").orElseThrow();
        assertThat(experiments.view(edited.substring("/experiments/".length())).orElseThrow().template()).isNull();
    }

    @Test
    void aTemplateWithFieldsTheFormCannotShowOpensInTheJsonEditor() {
        assertThat(server.sendJson("PUT", "/api/v1/templates/shared-web", server.adminToken, "{\"name\":\"shared\",\"targets\":"
                + "{\"groups\":[\"web\"]},\"selection\":{\"mode\":\"count\",\"value\":1},\"concurrency\":\"shared\"}").statusCode()).isEqualTo(201);

        String form = PageClient.signedIn(server, server.adminToken).get("/experiments/new?template=shared-web").body();

        assertThat(form).contains("id=\"f-spec\"", "\"concurrency\" : \"shared\"", "\"dryRun\" : true");
    }

    @Test
    void anUnknownTemplateIsA404ThatSaysWhereTheTemplatesAre() {
        HttpResponse<String> answer = PageClient.signedIn(server, server.adminToken).get("/experiments/new?template=no-such");

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(answer.body()).contains("no template named 'no-such'");
    }

    @Test
    void theHistoryFiltersByATemplateChosenFromTheKnownOnes() {
        String spec = "{\"name\":\"by-template\",\"targets\":{\"groups\":[\"api\"]},\"selection\":{\"mode\":\"count\",\"value\":1},"
                + "\"dryRun\":true}";
        assertThat(server.sendJson("PUT", "/api/v1/templates/history-a", server.adminToken, spec).statusCode()).isEqualTo(201);
        assertThat(server.sendJson("PUT", "/api/v1/templates/history-b", server.adminToken, spec).statusCode()).isEqualTo(201);
        String fromA = runOfTemplate("history-a");
        String fromB = runOfTemplate("history-b");
        PageClient viewer = PageClient.signedIn(server, server.token("history-viewer", "viewer"));

        String all = viewer.get("/experiments").body();
        assertThat(all).contains("/experiments/" + fromA, "/experiments/" + fromB, "<option value=\"history-b\"")
                .contains("template history-a");
        String filtered = viewer.get("/experiments?template=history-a").body();
        assertThat(filtered).contains("/experiments/" + fromA).doesNotContain("/experiments/" + fromB)
                .containsPattern("<option value=\"history-a\"[^>]*selected");

        HttpResponse<String> typo = viewer.get("/experiments?template=history-c");
        assertThat(typo.statusCode()).isEqualTo(404);
        assertThat(typo.body()).contains("no template named 'history-c'", "did you mean");
    }

    @Test
    void aRunThatTheKillSwitchStoppedFromKillingIsNotGreenOnItsPageOrInTheHistory() {
        server.sendJson("PUT", "/api/v1/killswitch", server.adminToken, "{\"engaged\":true,\"reason\":\"verdict test\"}");
        HttpResponse<String> created = server.sendJson("POST", "/api/v1/experiments", server.adminToken,
                "{\"name\":\"held\",\"targets\":{\"groups\":[\"api\"]},\"selection\":{\"mode\":\"count\",\"value\":1},\"dryRun\":true}");
        String id = TestServer.json(created).get("id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> !TestServer.json(server.get("/api/v1/experiments/" + id, server.adminToken))
                .get("verdict").isNull());
        PageClient viewer = PageClient.signedIn(server, server.token("verdict-viewer", "viewer"));

        String page = viewer.get("/experiments/" + id).body();
        assertThat(page).contains("class=\"verdict verdict-NOTHING_KILLED\"", "the only victim was refused (kill switch: 1)")
                .doesNotContain("verdict-PASSED");
        assertThat(viewer.get("/experiments").body()).containsPattern("/experiments/" + id + "[\\s\\S]*?verdict-NOTHING_KILLED");
        Matcher cssUrl = Pattern.compile("href=\"(/assets/[^\"]*dashboard[^\"]*\\.css)\"").matcher(page);
        assertThat(cssUrl.find()).isTrue();
        String css = viewer.get(cssUrl.group(1)).body();
        assertThat(css).doesNotContain(".state-COMPLETED").containsPattern("\\.verdict-PASSED \\{ color: var\\(--good\\)");
    }

    @Test
    void dryRunsAreRehearsalsNotKillsOnTheOverviewAndTheFleet() {
        HttpResponse<String> created = server.sendJson("POST", "/api/v1/experiments", server.adminToken,
                "{\"name\":\"rehearsal\",\"targets\":{\"groups\":[\"api\"]},\"selection\":{\"mode\":\"count\",\"value\":1},\"dryRun\":true}");
        String id = TestServer.json(created).get("id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> !TestServer.json(server.get("/api/v1/experiments/" + id, server.adminToken))
                .get("verdict").isNull());
        assertThat(TestServer.json(server.get("/api/v1/experiments/" + id, server.adminToken)).get("terminations").get(0)
                .get("status").asText()).isEqualTo("WOULD_TERMINATE");
        PageClient viewer = PageClient.signedIn(server, server.token("rehearsal-viewer", "viewer"));

        String overview = viewer.get("/").body();
        String kills = overview.substring(overview.indexOf("id=\"kills-title\""), overview.indexOf("id=\"degraded-title\""));
        assertThat(kills).doesNotContain("WOULD_TERMINATE")
                .doesNotContain("/experiments/" + id).containsPattern("Also \\d+ would-be terminations? of dry runs \\(rehearsals, not kills\\)");
        String fleet = viewer.get("/fleet?q=api").body();
        assertThat(fleet).contains("sim/us-east-1/api").doesNotContain("/experiments/" + id);
    }

    private static String runOfTemplate(String template) {
        HttpResponse<String> created = server.sendJson("POST", "/api/v1/templates/" + template + "/runs", server.adminToken, "");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return TestServer.json(created).get("id").asText();
    }

    @Test
    void theLiveStreamNeedsASession() {
        HttpResponse<String> answer = new PageClient(server).get("/experiments/run_nothing/live");

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
    }

    @Test
    void anUnknownRunIsA404Problem() {
        HttpResponse<String> answer = PageClient.signedIn(server, server.adminToken).get("/experiments/run_nothing");

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(answer.body()).contains("no experiment run with id 'run_nothing'");
    }

    @Test
    void theAuditPageFiltersAndPages() {
        PageClient admin = PageClient.signedIn(server, server.adminToken);
        for (int i = 0; i < 3; i++) {
            new PageClient(server).post("/sign-in", Map.of("token", "mq_wrong" + i));
        }

        String filtered = admin.get("/audit?action=dashboard.sign-in&outcome=unauthenticated").body();

        assertThat(filtered).contains("dashboard.sign-in").doesNotContain("token.create");
        assertThat(admin.get("/audit?actor=" + "x".repeat(300)).statusCode()).isEqualTo(400);
    }

    @Test
    void theAuditPageShowsFiftyEntriesAPageAndTheOlderOnesBehindItsLink() {
        AuditLog log = server.server.injector().getInstance(AuditLog.class);
        for (int i = 0; i < 60; i++) {
            log.record("pager", "operator", "test.paging", "entry-" + i, "127.0.0.1", "ok", null);
        }
        PageClient admin = PageClient.signedIn(server, server.adminToken);

        String first = admin.get("/audit?action=test.paging").body();
        Matcher older = Pattern.compile("href=\"(/audit\\?[^\"]*cursor=[^\"]+)\">Older entries").matcher(first);
        assertThat(older.find()).isTrue();
        String second = admin.get(older.group(1).replace("&amp;", "&")).body();

        assertThat(targets(first)).hasSize(50).startsWith("entry-59").endsWith("entry-10");
        assertThat(targets(second)).containsExactly("entry-9", "entry-8", "entry-7", "entry-6", "entry-5", "entry-4", "entry-3", "entry-2",
                "entry-1", "entry-0");
        assertThat(second).doesNotContain(">Older entries<");
    }

    @Test
    void theSchedulesPageShowsEachWindowOnACalendarInItsTimeZoneWithItsHolidays() {
        java.time.LocalDate tomorrowInTokyo = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Tokyo")).plusDays(1);
        HttpResponse<String> created = server.sendJson("POST", "/api/v1/schedules", server.adminToken, "{\"name\":\"tokyo-weekdays\","
                + "\"enabled\":false,\"experiment\":{\"targets\":{\"groups\":[\"web\"]}},\"meanTimeBetweenKills\":\"2d\",\"window\":"
                + "{\"from\":\"10:00\",\"to\":\"15:00\",\"zone\":\"Asia/Tokyo\",\"holidays\":[\"" + tomorrowInTokyo + "\"]}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        String page = PageClient.signedIn(server, server.adminToken).get("/schedules").body();

        assertThat(page).contains("tokyo-weekdays", "disabled", "<strong>Asia/Tokyo</strong>", "10:00–15:00", "Next two weeks",
                "Upcoming planned kills", "Recent decisions");
        assertThat(page).containsPattern("class=\"day [a-z]+ holiday[^\"]*\">\\s*<span class=\"date\"><span class=\"weekday\">[A-Za-z]{3}</span> "
                + tomorrowInTokyo + "</span>\\s*<span class=\"window\">holiday</span>");
        assertThat(page.split("class=\"day ", -1)).hasSize(15); // 14 days
    }

    @Test
    void everyFormFieldOnEveryPageHasALabel() {
        PageClient admin = PageClient.signedIn(server, server.adminToken);
        Pattern field = Pattern.compile("<(input|select|textarea)\\b([^>]*)>");
        Pattern id = Pattern.compile("\\bid=\"([^\"]+)\"");
        for (String path : PAGES) {
            String html = admin.get(path).body();
            Matcher m = field.matcher(html);
            while (m.find()) {
                String attributes = m.group(2);
                if (attributes.contains("type=\"hidden\"")) {
                    continue;
                }
                Matcher fieldId = id.matcher(attributes);
                assertThat(fieldId.find()).as(path + ": " + m.group()).isTrue();
                assertThat(html).as(path + ": a label for #" + fieldId.group(1)).contains("<label for=\"" + fieldId.group(1) + "\"");
            }
        }
    }

    @Test
    void theSimulationsPageRendersTheReportsOfMacaqueSimulate() throws Exception {
        // the lesson's fixed variant (the lesson itself fails its SLO on purpose)
        Path out = home.resolve("simulation-out").resolve("zone-outage");
        int exit = MacaqueCommand.commandLine().execute("simulate", Path.of("../docs/scenarios/zone-outage-fixed.yaml").toString(), "--out",
                out.toString(), "--quiet");
        assertThat(exit).isZero();
        assertThat(Files.exists(out.resolve("report.json"))).isTrue();
        PageClient admin = PageClient.signedIn(server, server.adminToken);

        String list = admin.get("/simulations").body();
        assertThat(list).contains("zone-outage-fixed", "PASS", "6 of 6 hold");
        Matcher link = Pattern.compile("href=\"(/simulations/[^\"/]+)\"").matcher(list);
        assertThat(link.find()).isTrue();
        String report = admin.get(link.group(1)).body();
        assertThat(report).contains("Every hypothesis holds", "refusals(checkout) == 1", "checkout", "payments");
        HttpResponse<String> html = admin.get(link.group(1) + "/report.html");
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("Content-Security-Policy").orElseThrow()).startsWith("sandbox;");
        assertThat(admin.get("/simulations/Li4vLi4vZXRj").statusCode()).isEqualTo(404); // "../../etc": never a listed folder
    }

    private static List<String> targets(String auditPage) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile("<td>test.paging</td><td>([^<]+)</td>").matcher(auditPage);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    /** Text as the templates write it into an element (quotes stay as they are). */
    private static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String fieldError(String html, String field) {
        Matcher m = Pattern.compile("id=\"error-" + field + "\">([^<]*)<").matcher(html);
        return m.find() ? m.group(1) : "";
    }

    private int runs() {
        return server.server.injector().getInstance(ExperimentService.class).store().list(null, null, null, null, 1000).size();
    }

    private List<AuditEntry> audit(String action) {
        return server.server.injector().getInstance(AuditLog.class).list(new AuditLog.Filter(action, null, null), null, null, 100);
    }
}
