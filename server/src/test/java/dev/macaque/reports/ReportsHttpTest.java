package dev.macaque.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.dashboard.Format;
import dev.macaque.http.TestServer;
import dev.macaque.scorecard.ScorecardWorld;
import dev.macaque.store.TestDatabases;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The run report and the weekly report over HTTP, on H2 and PostgreSQL, against runs on the simulated cloud. */
class ReportsHttpTest {
    /** Anything by which a page could load a resource or run code from elsewhere. */
    private static final Pattern EXTERNAL = Pattern.compile("(?i)(\\bsrc\\s*=|\\bhref\\s*=|<link\\b|<script\\b|<iframe\\b|<object\\b|<embed\\b"
            + "|url\\s*\\(|@import|https?://)");

    @TempDir
    Path home;
    private ScorecardWorld world;
    private HttpServer receiver;

    @AfterEach
    void stop() {
        if (world != null) {
            world.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("h2", (Function<Path, MacaqueConfig.DatabaseConfig>) TestDatabases::h2),
                Arguments.of("postgresql", (Function<Path, MacaqueConfig.DatabaseConfig>) d -> TestDatabases.postgres()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theRunReportHoldsEveryVictimRefusalAndRecoveryAndLoadsNothingFromAnywhere(String name, Function<Path, MacaqueConfig.DatabaseConfig> db) {
        world = new ScorecardWorld(home, db.apply(home));
        // two victims, one termination allowed: one killed (and verified), one refused with its numbers
        JsonNode run = world.run("{\"name\":\"two-of-web\",\"targets\":{\"providers\":[\"sim\"],\"groups\":[\"web\"]},"
                + "\"selection\":{\"mode\":\"count\",\"value\":2},\"guardrails\":{\"maxTerminations\":1,\"minHealthyPercent\":10},"
                + "\"recovery\":{\"timeout\":\"30s\",\"pollInterval\":\"50ms\"}}");
        assertThat(run.get("victims")).hasSize(2);
        assertThat(run.get("refusals")).isNotEmpty();
        assertThat(run.get("recoveries")).isNotEmpty();

        HttpResponse<String> response = world.server.get("/api/v1/experiments/" + run.get("id").asText() + "/report.html", world.viewer);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(response.headers().firstValue("Content-Security-Policy").orElseThrow()).startsWith("default-src 'none'");
        String html = response.body();
        Matcher external = EXTERNAL.matcher(html);
        assertThat(external.find()).as("the report references an external resource: " + (external.find(0) ? external.group() : "")).isFalse();
        assertThat(html).contains("<style>").contains("@media print").contains(run.get("id").asText()).contains("two-of-web")
                .contains(Long.toString(run.get("seed").asLong())).contains("oncall").contains("real");
        // The verdict is the API's, in words and colour: one refused victim makes it PARTIAL, never green.
        assertThat(run.get("verdict").asText()).isEqualTo("PARTIAL");
        assertThat(html).contains("<span class=\"warn\">PARTIAL</span> · " + escape(run.get("verdictReason").asText()));
        List<String> victimRows = rows(html, "victim");
        assertThat(victimRows).hasSize(2);
        for (JsonNode v : run.get("victims")) {
            assertThat(victimRows).anySatisfy(row -> assertThat(row).contains(v.get("group").asText()).contains(v.get("instanceId").asText()));
        }
        assertThat(victimRows).anySatisfy(row -> assertThat(row).contains("TERMINATED"));
        assertThat(victimRows).anySatisfy(row -> assertThat(row).contains("REFUSED"));
        List<String> refusalRows = rows(html, "refusal");
        assertThat(refusalRows).hasSize(run.get("refusals").size());
        for (JsonNode r : run.get("refusals")) {
            assertThat(refusalRows).anySatisfy(row -> assertThat(row).contains(r.get("reason").asText())
                    .contains(escape(r.get("message").asText())));
        }
        List<String> recoveryRows = rows(html, "recovery");
        assertThat(recoveryRows).hasSize(run.get("recoveries").size());
        JsonNode recovery = run.get("recoveries").get(0);
        assertThat(recoveryRows.get(0)).contains(recovery.get("group").asText()).contains("RECOVERED")
                .contains(Format.seconds(recovery.get("timeToRecoverSeconds").asDouble()));
        assertThat(rows(html, "audit")).as("its creation and each termination's intent and outcome")
                .anySatisfy(row -> assertThat(row).contains("experiment.create"))
                .anySatisfy(row -> assertThat(row).contains("instance.terminate").contains("intended"));

        assertThat(world.server.get("/api/v1/experiments/run_nope/report.html", world.viewer).statusCode()).isEqualTo(404);
        assertThat(world.server.get("/api/v1/experiments/" + run.get("id").asText() + "/report.html", null).statusCode()).isEqualTo(401);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theWeeklyReportCountsMatchTheHistory(String name, Function<Path, MacaqueConfig.DatabaseConfig> db) {
        world = new ScorecardWorld(home, db.apply(home));
        JsonNode first = world.run("old", false, "30s");
        world.run("web", false, "30s");
        world.run("web", false, "30s");
        JsonNode stuck = world.run("stuck", false, "1s");
        world.run("dry", true, "30s");
        JsonNode last = world.run("web", true, "30s");
        IsoWeek week = IsoWeek.of(java.time.Instant.parse(first.get("createdAt").asText()));
        Assumptions.assumeTrue(week.equals(IsoWeek.of(java.time.Instant.parse(last.get("finishedAt").asText()))),
                "the runs straddle a week boundary");

        HttpResponse<String> response = world.server.get("/api/v1/reports/weekly?week=" + week + "&format=json", world.viewer);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode report = TestServer.json(response);
        assertThat(report.get("week").asText()).isEqualTo(week.toString());
        // six runs: four real (old, web, web, stuck), two dry; every one completed
        assertThat(report.get("runs").get("total").asInt()).isEqualTo(6);
        assertThat(report.get("runs").get("real").asInt()).isEqualTo(4);
        assertThat(report.get("runs").get("dryRun").asInt()).isEqualTo(2);
        assertThat(report.get("runs").get("byState").get("COMPLETED").asInt()).isEqualTo(6);
        assertThat(report.get("realKills").asInt()).isEqualTo(4);
        assertThat(report.get("dryRunKills").asInt()).isEqualTo(2);
        assertThat(report.get("findingsOpened")).hasSize(1);
        assertThat(report.get("findingsOpened").get(0).get("group").asText()).isEqualTo("sim/r1/stuck");
        assertThat(report.get("findingsOpened").get(0).get("runId").asText()).isEqualTo(stuck.get("id").asText());
        assertThat(report.get("findingsOpened").get(0).get("reason").asText()).isEqualTo("NOT_RECOVERED");
        assertThat(report.get("findingsClosed")).isEmpty();
        // every group was NEVER at the week's start; old and web verified, stuck failing by its end
        assertThat(report.get("scorecardChanges").findValuesAsText("group")).containsExactly("sim/r1/old", "sim/r1/stuck", "sim/r1/web");
        assertThat(report.get("scorecardChanges").findValuesAsText("to")).containsExactly("VERIFIED", "FAILING", "VERIFIED");
        assertThat(report.get("neverVerified").findValuesAsText("")).isEmpty();
        assertThat(report.get("neverVerified").toString()).isEqualTo("[\"sim/r1/dry\",\"sim/r1/idle\"]");
        assertThat(report.get("fleetScoreAtStart").asDouble()).isEqualTo(0.0);
        assertThat(report.get("fleetScoreAtEnd").asDouble()).as("(100 + 100 + 50 + 0 + 0) / 5").isEqualTo(50.0);

        HttpResponse<String> html = world.server.get("/api/v1/reports/weekly?week=" + week, world.viewer);
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(EXTERNAL.matcher(html.body()).find()).isFalse();
        assertThat(html.body()).contains("<dd id=\"real-kills\">4</dd>").contains("<dd id=\"findings-opened\">1</dd>");

        HttpResponse<String> earlier = world.server.get("/api/v1/reports/weekly?week=" + week.previous() + "&format=json", world.viewer);
        assertThat(TestServer.json(earlier).get("runs").get("total").asInt()).as("nothing ran the week before").isZero();
    }

    @Test
    void aBadWeekIsA400ProblemThatSaysWhy() {
        world = new ScorecardWorld(home, TestDatabases.h2(home));
        for (String[] bad : new String[][] {{"", "week is required"}, {"2026-49", "write an ISO week as YYYY-Www"},
                {"2026-W54", "2026 has weeks W01 to W53"}, {"2025-W53", "2025 has weeks W01 to W52"}, {"1969-W01", "between 1970 and 9999"},
                {"9999-W01", "has not started yet"}}) {
            HttpResponse<String> response = world.server.get("/api/v1/reports/weekly?week=" + bad[0], world.viewer);
            assertThat(response.statusCode()).as(bad[0]).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            assertThat(TestServer.json(response).get("detail").asText()).as(bad[0]).contains(bad[1]);
        }
        HttpResponse<String> format = world.server.get("/api/v1/reports/weekly?week=2026-W01&format=pdf", world.viewer);
        assertThat(format.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(format).get("detail").asText()).contains("format must be html or json, was 'pdf'");
    }

    @Test
    void lastWeeksReportIsPostedToTheWebhooksOnceWhenEnabled() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("X-Macaque-Event") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        world = new ScorecardWorld(home, TestDatabases.h2(home), config -> config.withChaosMonkey(config.schedules(),
                new MacaqueConfig.NotificationsConfig(List.of(new MacaqueConfig.WebhookConfig(hook, null, null)), 1, "1s", true),
                config.cluster(), config.outageCheck()));
        JsonNode web = world.run("web", false, "30s");
        IsoWeek week = IsoWeek.of(java.time.Instant.parse(web.get("createdAt").asText()));
        world.clock.set(week.end().plusSeconds(3600));
        WeeklyReportPoster poster = world.server.server.injector().getInstance(WeeklyReportPoster.class);

        // the server's own poll may have posted it already; either way exactly one post for the week
        poster.tick();
        java.util.function.Supplier<List<String>> reports = () -> received.stream().filter(r -> r.startsWith("report.weekly ")).toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> reports.get().size() == 1);
        assertThat(poster.tick()).isFalse();
        // another node on the same database finds the week claimed
        var injector = world.server.server.injector();
        WeeklyReportPoster otherNode = new WeeklyReportPoster(true, injector.getInstance(WeeklyReports.class),
                injector.getInstance(dev.macaque.notify.WebhookNotifier.class), injector.getInstance(dev.macaque.notify.WebhookDeliveries.class),
                "other-node");
        assertThat(otherNode.tick()).isFalse();
        Thread.sleep(300);
        assertThat(reports.get()).hasSize(1);
        assertThat(reports.get().get(0)).contains("\"week\":\"" + week + "\"").contains("\"realKills\":\"1\"")
                .contains("Macaque week " + week + ": 1 runs, 1 real kills");
    }

    /** The {@code <tr class="kind">} rows of the page. */
    private static List<String> rows(String html, String kind) {
        Matcher m = Pattern.compile("<tr class=\"" + kind + "\">(.*?)</tr>", Pattern.DOTALL).matcher(html);
        List<String> rows = new java.util.ArrayList<>();
        while (m.find()) {
            rows.add(m.group(1));
        }
        return rows;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;").replace("'", "&#39;");
    }
}
