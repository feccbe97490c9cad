package dev.macaque.scorecard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.http.TestServer;
import dev.macaque.store.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scorecard over HTTP after real and dry runs on the simulated cloud with known outcomes, on H2 and on PostgreSQL:
 * every group's status, score and times as computed here by hand from the runs' own records.
 */
class ScorecardHttpTest {
    @TempDir
    Path home;
    private ScorecardWorld world;

    @AfterEach
    void stop() {
        if (world != null) {
            world.close();
        }
    }

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("h2", (Function<Path, MacaqueConfig.DatabaseConfig>) TestDatabases::h2),
                Arguments.of("postgresql", (Function<Path, MacaqueConfig.DatabaseConfig>) d -> TestDatabases.postgres()));
    }

    private static JsonNode group(JsonNode scorecard, String id) {
        for (JsonNode g : scorecard.get("groups")) {
            if (g.get("id").asText().equals(id)) {
                return g;
            }
        }
        throw new AssertionError("no group " + id + " in " + scorecard.get("groups"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void eachGroupGetsItsHandComputedStatusScoreAndTimesAndDryRunsNeverCount(String name, Function<Path, MacaqueConfig.DatabaseConfig> db) {
        world = new ScorecardWorld(home, db.apply(home));
        JsonNode old = world.run("old", false, "30s");
        List<JsonNode> web = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            web.add(world.run("web", false, "30s"));
        }
        JsonNode stuck = world.run("stuck", false, "1s");
        assertThat(stuck.get("recoveries").get(0).get("status").asText()).isEqualTo("NOT_RECOVERED");
        world.run("dry", true, "30s");
        JsonNode webDry = world.run("web", true, "30s");
        assertThat(webDry.get("dryRun").asBoolean()).isTrue();

        // "now" is 30 days and 1 ms after old's recovery: old outgrew the freshness (30d), web's are all younger
        Instant asOf = ScorecardWorld.recoveredAt(old).plus(Duration.ofDays(30)).plusMillis(1);
        world.clock.set(asOf);
        HttpResponse<String> response = world.server.get("/api/v1/scorecard", world.viewer);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode scorecard = TestServer.json(response);
        assertThat(Instant.parse(scorecard.get("asOf").asText())).isEqualTo(asOf);

        assertThat(scorecard.get("groups").findValuesAsText("id")).as("most in need first; 'optout' is not opted in")
                .containsExactly("sim/r1/dry", "sim/r1/idle", "sim/r1/stuck", "sim/r1/old", "sim/r1/web");

        JsonNode w = group(scorecard, "sim/r1/web");
        assertThat(w.get("status").asText()).isEqualTo("VERIFIED");
        assertThat(w.get("score").asInt()).isEqualTo(100);
        assertThat(w.get("realKills").asInt()).as("the dry run on web does not count").isEqualTo(3);
        JsonNode lastWeb = web.get(2);
        assertThat(w.get("lastVerification").get("runId").asText()).isEqualTo(lastWeb.get("id").asText());
        assertThat(Instant.parse(w.get("lastVerification").get("recoveredAt").asText())).isEqualTo(ScorecardWorld.recoveredAt(lastWeb));
        assertThat(w.get("lastVerification").get("timeToRecoverSeconds").asDouble()).isEqualTo(ScorecardWorld.timeToRecover(lastWeb));
        double[] times = web.stream().mapToDouble(ScorecardWorld::timeToRecover).sorted().toArray();
        // nearest rank over three: the median is the 2nd (ceil(1.5)), p90 the 3rd (ceil(2.7))
        for (String window : List.of("last30Days", "last90Days")) {
            assertThat(w.get(window).get("recoveries").asInt()).isEqualTo(3);
            assertThat(w.get(window).get("medianSeconds").asDouble()).as(window + " of " + Arrays.toString(times)).isEqualTo(times[1]);
            assertThat(w.get(window).get("p90Seconds").asDouble()).isEqualTo(times[2]);
        }
        assertThat(w.get("openFinding").isNull()).isTrue();

        JsonNode s = group(scorecard, "sim/r1/stuck");
        assertThat(s.get("status").asText()).isEqualTo("FAILING");
        assertThat(s.get("score").asInt()).isEqualTo(50);
        assertThat(s.get("realKills").asInt()).isEqualTo(1);
        assertThat(s.get("lastVerification").isNull()).isTrue();
        assertThat(s.get("openFinding").get("runId").asText()).isEqualTo(stuck.get("id").asText());
        assertThat(s.get("openFinding").get("reason").asText()).isEqualTo("NOT_RECOVERED");
        assertThat(s.get("last90Days").get("recoveries").asInt()).isZero();
        assertThat(s.get("last90Days").get("medianSeconds").isNull()).isTrue();

        JsonNode o = group(scorecard, "sim/r1/old");
        assertThat(o.get("status").asText()).isEqualTo("STALE");
        assertThat(o.get("score").asInt()).isEqualTo(75);
        assertThat(o.get("lastVerification").get("ageSeconds").asLong()).isEqualTo(Duration.ofDays(30).toSeconds());
        assertThat(o.get("last30Days").get("recoveries").asInt()).as("killed before the 30-day window").isZero();
        assertThat(o.get("last90Days").get("recoveries").asInt()).isEqualTo(1);
        assertThat(o.get("last90Days").get("medianSeconds").asDouble()).isEqualTo(ScorecardWorld.timeToRecover(old));
        assertThat(o.get("team").isNull()).as("no team tag").isTrue();

        for (String never : List.of("sim/r1/idle", "sim/r1/dry")) {
            JsonNode g = group(scorecard, never);
            assertThat(g.get("status").asText()).as(never).isEqualTo("NEVER");
            assertThat(g.get("score").asInt()).isZero();
            assertThat(g.get("realKills").asInt()).as("a dry run is no kill").isZero();
        }

        // fleet: (100 + 50 + 75 + 0 + 0) / 5; shop: (100 + 50) / 2; data: 0; no team tag: old alone
        JsonNode fleet = scorecard.get("fleet");
        assertThat(fleet.get("score").asDouble()).isEqualTo(45.0);
        assertThat(fleet.get("groups").asInt()).isEqualTo(5);
        assertThat(fleet.get("openFindings").asInt()).isEqualTo(1);
        assertThat(fleet.get("statuses").get("NEVER").asInt()).isEqualTo(2);
        assertThat(scorecard.get("teams")).hasSize(3);
        assertThat(scorecard.get("teams").get(0).get("name").asText()).isEqualTo("data");
        assertThat(scorecard.get("teams").get(1).get("name").asText()).isEqualTo("shop");
        assertThat(scorecard.get("teams").get(0).get("score").asDouble()).isEqualTo(0.0);
        assertThat(scorecard.get("teams").get(1).get("score").asDouble()).isEqualTo(75.0);
        assertThat(scorecard.get("teams").get(2).get("name").isNull()).isTrue();
        assertThat(scorecard.get("teams").get(2).get("score").asDouble()).isEqualTo(75.0);

        // the trend: 12 weeks, the last one as of now (the fleet's score), the first before any kill (all NEVER)
        JsonNode trend = scorecard.get("trend");
        assertThat(trend).hasSize(12);
        assertThat(Instant.parse(trend.get(11).get("at").asText())).isEqualTo(asOf);
        assertThat(trend.get(11).get("score").asDouble()).isEqualTo(45.0);
        assertThat(trend.get(0).get("score").asDouble()).isEqualTo(0.0);
        assertThat(scorecard.get("runsConsidered").asInt()).as("five real runs killed; dry runs are not read").isEqualTo(5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRunThatHaltsAfterItsFirstKillFailsTheGroupThoughAnEarlierRunVerifiedIt(String name,
            Function<Path, MacaqueConfig.DatabaseConfig> db) throws Exception {
        java.util.concurrent.atomic.AtomicInteger status = new java.util.concurrent.atomic.AtomicInteger(200);
        com.sun.net.httpserver.HttpServer shop = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        shop.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        shop.start();
        try {
            world = new ScorecardWorld(home, db.apply(home));
            JsonNode verified = world.run("web", false, "30s");
            // two victims a minute apart; the shop's health fails after the first kill, so the run halts before the second
            String id = world.start("{\"name\":\"web-twice\",\"targets\":{\"providers\":[\"sim\"],\"groups\":[\"web\"]},"
                    + "\"selection\":{\"mode\":\"count\",\"value\":2},\"guardrails\":{\"minHealthyPercent\":10},"
                    + "\"recovery\":{\"timeout\":\"30s\",\"pollInterval\":\"50ms\"},\"pacing\":{\"between\":\"1m\"},"
                    + "\"steadyState\":{\"probes\":[{\"name\":\"shop\",\"http\":{\"url\":\"http://127.0.0.1:" + shop.getAddress().getPort()
                    + "/health\",\"timeout\":\"500ms\"}}],\"every\":\"500ms\",\"tolerance\":2}}");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                JsonNode run = TestServer.json(world.server.get("/api/v1/experiments/" + id, world.operator));
                return run.get("terminations").size() == 1 || !List.of("PENDING", "RUNNING").contains(run.get("state").asText());
            });
            status.set(500);
            JsonNode halted = world.awaitEnd(id);
            assertThat(halted.get("state").asText()).as(halted.toString()).isEqualTo("HALTED");
            world.clock.set(Instant.parse(halted.get("finishedAt").asText()).plusSeconds(1));

            JsonNode web = group(TestServer.json(world.server.get("/api/v1/scorecard", world.viewer)), "sim/r1/web");

            assertThat(web.get("status").asText()).isEqualTo("FAILING");
            assertThat(web.get("score").asInt()).isEqualTo(50);
            assertThat(web.get("openFinding").get("runId").asText()).isEqualTo(id);
            assertThat(web.get("openFinding").get("reason").asText()).isEqualTo("HALTED");
            assertThat(web.get("realKills").asInt()).as("one kill each; the halted run's second victim was spared").isEqualTo(2);
            // the halted run's own recovery of web verifies it when the group was seen back before the halt; else the earlier run
            JsonNode haltedRecovery = halted.get("recoveries").get(0);
            boolean seenBack = haltedRecovery.get("status").asText().equals("RECOVERED") && haltedRecovery.get("timeToRecoverSeconds").isNumber();
            assertThat(web.get("lastVerification").get("runId").asText()).as(halted.get("recoveries").toString())
                    .isEqualTo(seenBack ? id : verified.get("id").asText());
        } finally {
            shop.stop(0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theCsvHasOneLinePerGroupWithTheJsonNumbers(String name, Function<Path, MacaqueConfig.DatabaseConfig> db) {
        world = new ScorecardWorld(home, db.apply(home));
        JsonNode web = world.run("web", false, "30s");
        JsonNode stuck = world.run("stuck", false, "1s");

        HttpResponse<String> csv = world.server.get("/api/v1/scorecard?format=csv", world.viewer);

        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines).hasSize(1 + 5);
        assertThat(lines.get(0)).startsWith("group,team,status,score,lastVerifiedRun,");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("sim/r1/stuck,shop,FAILING,50,,,,,,,,1," + stuck.get("id").asText()
                + ",NOT_RECOVERED"));
        double ttr = ScorecardWorld.timeToRecover(web);
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("sim/r1/web,shop,VERIFIED,100," + web.get("id").asText() + ","
                + ScorecardWorld.recoveredAt(web) + "," + ttr + "," + ttr + "," + ttr + "," + ttr + "," + ttr + ",1,,"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anUnknownFormatIsA400AndNoTokenIsA401(String name, Function<Path, MacaqueConfig.DatabaseConfig> db) {
        world = new ScorecardWorld(home, db.apply(home));

        HttpResponse<String> bad = world.server.get("/api/v1/scorecard?format=xml", world.viewer);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(TestServer.json(bad).get("detail").asText()).contains("format must be json or csv, was 'xml'");
        assertThat(world.server.get("/api/v1/scorecard", null).statusCode()).isEqualTo(401);
    }
}
