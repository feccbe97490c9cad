package dev.macaque.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.store.TestDatabases;
import dev.macaque.testcloud.TestCloudFactory;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Predict before you kill, over real HTTP with a real H2 file database: a preview with {@code "predict": true} names
 * the victims the real run then picks, a run started with it keeps its prediction (across a restart) and shows it
 * against what happened, and a prediction that cannot be made is a problem, never a partial answer.
 */
class PredictionHttpTest {
    private static final Map<String, Object> CLOUD = Map.of("type", "testcloud",
            "groups", "eu-west-1:web:4:true,eu-west-1:db:3:false,us-east-1:api:3:true", "healAfterMillis", "50");

    @TempDir
    Path home;
    private TestServer server;
    private String operator;
    private MacaqueConfig.DatabaseConfig database;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Map<String, Map<String, Object>> providers, UnaryOperator<MacaqueConfig> adjust) {
        if (database == null) {
            database = TestDatabases.h2(home);
        }
        server = TestServer.startWith(home, database, MacaqueConfig.Mode.UNLEASHED, providers, adjust);
        if (server.adminToken != null) {
            operator = server.token("oncall", "operator");
        }
    }

    private static String spec(long seed, String extra) {
        return "{\"name\":\"predicted\",\"targets\":{\"providers\":[\"tc\"]},\"selection\":{\"mode\":\"count\",\"value\":2},"
                + "\"recovery\":{\"timeout\":\"30s\",\"pollInterval\":\"100ms\"},\"seed\":" + seed + extra + "}";
    }

    private JsonNode awaitEnded(String id) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = TestServer.json(server.get("/api/v1/experiments/" + id, operator));
            return List.of("COMPLETED", "FAILED", "ABORTED").contains(last[0].get("state").asText());
        });
        return last[0];
    }

    private static void assertProblem(HttpResponse<String> response, int status, String type, String detailPart) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith(Problem.CONTENT_TYPE);
        JsonNode problem = TestServer.json(response);
        assertThat(problem.get("type").asText()).isEqualTo(type);
        assertThat(problem.get("detail").asText()).contains(detailPart);
    }

    @Test
    void aPredictedPreviewNamesExactlyTheVictimsTheRealRunThenPicksWithTheSameSeed() {
        start(Map.of("tc", CLOUD), UnaryOperator.identity());
        for (long seed : new long[] {3, 42, 1234}) {
            HttpResponse<String> previewed = server.sendJson("POST", "/api/v1/experiments/preview", operator,
                    spec(seed, ",\"predict\":true"));
            assertThat(previewed.statusCode()).as(previewed.body()).isEqualTo(200);
            JsonNode prediction = TestServer.json(previewed).get("prediction");
            assertThat(prediction.get("seed").asLong()).isEqualTo(seed);
            assertThat(prediction.get("provider").asText()).isEqualTo("tc");
            assertThat(prediction.get("victims")).hasSize(2);

            HttpResponse<String> created = server.sendJson("POST", "/api/v1/experiments", operator, spec(seed, ""));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            JsonNode run = awaitEnded(TestServer.json(created).get("id").asText());

            assertThat(run.get("victims")).as("seed %d", seed).isEqualTo(prediction.get("victims"));
            assertThat(run.has("prediction")).as("a run started without predict has none").isFalse();
        }
    }

    @Test
    void aPreviewWithoutPredictHasNoPredictionField() {
        start(Map.of("tc", CLOUD), UnaryOperator.identity());

        JsonNode preview = TestServer.json(server.sendJson("POST", "/api/v1/experiments/preview", operator, spec(5, "")));

        assertThat(preview.has("prediction")).isFalse();
        assertThat(preview.get("victims")).hasSize(2);
    }

    @Test
    void eachPredictedGroupSaysItsBootTimeAndWhereItCameFrom() {
        start(Map.of("tc", CLOUD), UnaryOperator.identity());

        JsonNode prediction = TestServer.json(server.sendJson("POST", "/api/v1/experiments/preview", operator,
                spec(42, ",\"predict\":true"))).get("prediction");

        assertThat(prediction.get("recoveries")).isNotEmpty().allSatisfy(group -> {
            assertThat(group.get("bootTimeSource").asText()).isEqualTo("default");
            assertThat(group.get("bootTimeSeconds").asDouble()).isEqualTo(90.0);
            // a snapshot's groups replace a member at once: back no sooner than the boot time after the first kill
            assertThat(group.get("predictedRecoverySeconds").asDouble()).isGreaterThanOrEqualTo(90.0);
        });
        int kills = 0;
        for (JsonNode group : prediction.get("recoveries")) {
            kills += group.get("kills").asInt();
        }
        assertThat(kills).isEqualTo(2);
        assertThat(prediction.get("caveats").toString()).contains("kill history");
    }

    @Test
    void aRunStartedWithPredictKeepsItsPredictionAcrossARestartAndShowsItAgainstWhatHappened() {
        start(Map.of("tc", CLOUD), UnaryOperator.identity());

        HttpResponse<String> created = server.sendJson("POST", "/api/v1/experiments", operator, spec(42, ",\"predict\":true"));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode started = TestServer.json(created);
        assertThat(started.get("spec").has("predict")).as("the run's spec is the spec, without the request's flag").isFalse();
        assertThat(started.at("/prediction/predicted/seed").asLong()).isEqualTo(42);
        String id = started.get("id").asText();
        JsonNode run = awaitEnded(id);
        assertThat(run.get("state").asText()).isEqualTo("COMPLETED");
        JsonNode comparison = run.get("prediction");
        assertThat(comparison.get("sameVictims").asBoolean()).isTrue();
        assertThat(comparison.get("missedVictims")).isEmpty();
        assertThat(comparison.get("unpredictedVictims")).isEmpty();
        assertThat(comparison.at("/predicted/victims")).isEqualTo(run.get("victims"));
        assertThat(comparison.get("recoveries")).isNotEmpty().allSatisfy(drift -> {
            double predicted = drift.get("predictedRecoverySeconds").asDouble();
            double actual = drift.get("actualRecoverySeconds").asDouble();
            assertThat(drift.get("actualStatus").asText()).isEqualTo("RECOVERED");
            assertThat(drift.get("errorSeconds").asDouble()).isEqualTo(actual - predicted);
            // the test cloud heals in milliseconds, the default boot time is 90 s: the drift is plain to see
            assertThat(drift.get("errorSeconds").asDouble()).isNegative();
        });

        server.close();
        start(Map.of("tc", CLOUD), UnaryOperator.identity());

        JsonNode again = TestServer.json(server.get("/api/v1/experiments/" + id, operator));
        assertThat(again.get("prediction")).isEqualTo(comparison);
        // the run's recoveries are now this server's measurements: the next prediction of these groups uses them
        JsonNode next = TestServer.json(server.sendJson("POST", "/api/v1/experiments/preview", operator,
                spec(42, ",\"predict\":true"))).get("prediction");
        assertThat(next.get("recoveries")).allSatisfy(group -> {
            assertThat(group.get("bootTimeSource").asText()).isEqualTo("measured");
            assertThat(group.get("bootTimeSeconds").asDouble()).isLessThan(90.0);
        });
    }

    @Test
    void theRunPageShowsPredictedAgainstActual() {
        start(Map.of("tc", CLOUD), UnaryOperator.identity());
        String id = TestServer.json(server.sendJson("POST", "/api/v1/experiments", operator, spec(7, ",\"predict\":true")))
                .get("id").asText();
        awaitEnded(id);

        HttpResponse<String> page = browser(java.net.http.HttpRequest.newBuilder(server.uri("/experiments/" + id))
                .header("Cookie", dashboardCookie()).build());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Predicted against actual").contains("Same victims").contains("id=\"prediction-recoveries\"");
    }

    /** A page request as a browser sends it (the dashboard's pages are not the API's, so not checked against its document). */
    private static HttpResponse<String> browser(java.net.http.HttpRequest request) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private String dashboardCookie() {
        HttpResponse<String> answer = browser(java.net.http.HttpRequest.newBuilder(server.uri("/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token=" + operator + "&next=%2F")).build());
        String setCookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    @Test
    void aFleetLargerThanTheLimitIsA422ThatNamesTheLimitAndNoRunStarts() {
        start(Map.of("tc", CLOUD), config -> config.withSimulations(new MacaqueConfig.SimulationsConfig(null, null, 5, null, null, null)));
        int before = TestCloudFactory.TERMINATED.size();

        assertProblem(server.sendJson("POST", "/api/v1/experiments/preview", operator, spec(1, ",\"predict\":true")), 422,
                "https://macaque.dev/problems/prediction-too-large", "simulations.maxInstances");
        assertProblem(server.sendJson("POST", "/api/v1/experiments", operator, spec(1, ",\"predict\":true")), 422,
                "https://macaque.dev/problems/prediction-too-large", "has 10 instances");

        assertThat(TestServer.json(server.get("/api/v1/experiments", operator)).get("items")).isEmpty();
        assertThat(TestCloudFactory.TERMINATED).hasSize(before);
    }

    @Test
    void aRecoveryTimeoutBeyondTheVirtualTimeLimitIsA422() {
        start(Map.of("tc", CLOUD), config -> config.withSimulations(new MacaqueConfig.SimulationsConfig(null, null, null, "1h", null, null)));

        assertProblem(server.sendJson("POST", "/api/v1/experiments/preview", operator, spec(1, ",\"predict\":true")), 422,
                "https://macaque.dev/problems/prediction-too-large", "simulations.maxDuration");
    }

    @Test
    void aSpecThatReachesSeveralProvidersCannotBePredictedAndSaysWhichToName() {
        start(Map.of("tc", CLOUD, "tc2", CLOUD), UnaryOperator.identity());
        ObjectNode body = (ObjectNode) TestServer.JSON.createObjectNode().put("name", "anywhere").put("predict", true);
        body.putObject("selection").put("mode", "count").put("value", 1);

        assertProblem(server.sendJson("POST", "/api/v1/experiments/preview", operator, body.toString()), 422,
                "https://macaque.dev/problems/prediction-not-possible", "reaches 2 (tc, tc2): name one in targets.providers");
    }

    @Test
    void predictThatIsNotABooleanIsA400NamingTheField() {
        start(Map.of("tc", CLOUD), UnaryOperator.identity());

        HttpResponse<String> response = server.sendJson("POST", "/api/v1/experiments/preview", operator, spec(1, ",\"predict\":\"yes\""));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(TestServer.json(response).at("/errors/0/field").asText()).isEqualTo("predict");
    }

    @Test
    void predictionsBeyondSimulationsWorkersAreA503WhileTheRunningOneStillCompletes() throws Exception {
        Map<String, Object> held = new java.util.HashMap<>(CLOUD);
        held.put("holdPredictionListing", "true");
        start(Map.of("held", held), config -> config.withSimulations(new MacaqueConfig.SimulationsConfig(1, null, null, null, null, null)));
        String body = spec(42, ",\"predict\":true").replace("[\"tc\"]", "[\"held\"]");
        TestCloudFactory.ListingHold hold = TestCloudFactory.PREDICTION_HOLDS.get("held");
        java.util.concurrent.ExecutorService client = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<HttpResponse<String>> first = client.submit(
                    () -> server.sendJson("POST", "/api/v1/experiments/preview", operator, body));
            assertThat(hold.awaitHeld(Duration.ofSeconds(30))).as("the first prediction reads the fleet").isTrue();

            HttpResponse<String> second = server.sendJson("POST", "/api/v1/experiments/preview", operator, body);

            assertThat(second.statusCode()).as(second.body()).isEqualTo(503);
            assertThat(second.headers().firstValue("Content-Type").orElseThrow()).startsWith(Problem.CONTENT_TYPE);
            assertThat(TestServer.json(second).get("detail").asText()).contains("1 predictions are running", "simulations.workers");
            assertThat(second.headers().firstValue("Retry-After")).contains("5");
            assertThat(first.isDone()).as("the first prediction is still held").isFalse();

            hold.open();
            HttpResponse<String> done = first.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            assertThat(TestServer.json(done).get("prediction").get("victims")).hasSize(2);
            HttpResponse<String> afterwards = server.sendJson("POST", "/api/v1/experiments/preview", operator, body);
            assertThat(afterwards.statusCode()).as("the worker is free again: " + afterwards.body()).isEqualTo(200);
        } finally {
            hold.open();
            TestCloudFactory.PREDICTION_HOLDS.remove("held");
            client.shutdownNow();
        }
    }
}
