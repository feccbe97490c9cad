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
            assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).as(asset).matches("text/(javascript|css); charset=utf-8");
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
                "name", "watched-live", "groups", "eu-api", "mode", "count", "value", "1", "pollInterval", "1m", "timeout", "30m"));
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
