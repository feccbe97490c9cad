package dev.macaque.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.http.TestServer;
import dev.macaque.logging.LogCapture;
import dev.macaque.store.TestDatabases;
import dev.macaque.testcloud.TestCloudFactory;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steady-state probes end to end through the HTTP API, against a real server with the test cloud behind it and a real
 * HTTP endpoint on 127.0.0.1 standing for the service: the halt, not steady before the first kill, the server-wide
 * stop conditions, and probe secrets never echoed by the API, the events or the logs.
 */
class SteadyStateHttpTest {
    private static final Map<String, Object> CLOUD = Map.of("type", "testcloud",
            "groups", "eu-west-1:web:4:true", "healAfterMillis", "50");
    private static final String SECRET = "Bearer literal-secret-4711";

    @TempDir
    Path home;
    private TestServer server;
    private HttpServer shop;
    private String operator;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (shop != null) {
            shop.stop(0);
        }
    }

    private String startShop(IntSupplier status) throws Exception {
        shop = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        shop.createContext("/health", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null) {
                authorizations.add(authorization);
            }
            exchange.sendResponseHeaders(status.getAsInt(), -1);
            exchange.close();
        });
        shop.start();
        return "http://127.0.0.1:" + shop.getAddress().getPort() + "/health";
    }

    private void startServer(JsonNode stopConditions) {
        server = TestServer.startWith(home, TestDatabases.h2(home), MacaqueConfig.Mode.UNLEASHED, Map.of("tc", CLOUD),
                config -> stopConditions == null ? config
                        : config.withSafety(new MacaqueConfig.SafetyConfig(null, null, null, stopConditions)));
        operator = server.token("oncall", "operator");
    }

    private static String spec(String url, int count) {
        return "{\"name\":\"checkout-under-chaos\",\"targets\":{\"providers\":[\"tc\"],\"groups\":[\"web\"]},"
                + "\"selection\":{\"mode\":\"count\",\"value\":" + count + "},\"guardrails\":{\"minHealthyPercent\":0},"
                + "\"recovery\":{\"timeout\":\"30s\",\"pollInterval\":\"100ms\"},\"pacing\":{\"between\":\"1h\"},"
                + "\"steadyState\":{\"probes\":[{\"name\":\"checkout-ok\",\"http\":{\"url\":\"" + url + "\",\"timeout\":\"2s\","
                + "\"headers\":{\"Authorization\":\"" + SECRET + "\"}}}],\"every\":\"2s\",\"tolerance\":2}}";
    }

    private String post(String body) {
        HttpResponse<String> created = server.sendJson("POST", "/api/v1/experiments", operator, body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain("literal-secret");
        return TestServer.json(created).get("id").asText();
    }

    private JsonNode awaitState(String id, String... states) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = TestServer.json(server.get("/api/v1/experiments/" + id, operator));
            return List.of(states).contains(last[0].get("state").asText());
        });
        return last[0];
    }

    @Test
    void aProbeThatFailsAfterTheFirstKillHaltsTheRunAndItsSecretIsNeverEchoed() throws Exception {
        TestCloudFactory.TERMINATED.clear();
        String url = startShop(() -> TestCloudFactory.TERMINATED.isEmpty() ? 200 : 500);
        try (LogCapture logs = new LogCapture()) {
            startServer(null);
            String id = post(spec(url, 3));
            JsonNode run = awaitState(id, "HALTED", "COMPLETED", "FAILED", "NOT_STEADY", "ABORTED");

            assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("HALTED");
            assertThat(run.get("failureReason").asText()).contains("probe checkout-ok failed 2 times in a row")
                    .contains("2 victims not terminated");
            assertThat(run.get("terminations")).hasSize(1);
            assertThat(TestCloudFactory.TERMINATED).hasSize(1);
            assertThat(run.get("timeToSteadySeconds").isNull()).isTrue();
            assertThat(run.at("/spec/steadyState/probes/0/http/headers/Authorization").asText()).isEqualTo("***");

            HttpResponse<String> events = server.get("/api/v1/experiments/" + id + "/events", operator);
            List<String> types = TestServer.json(events).get("items").findValuesAsText("type");
            assertThat(types).contains("PROBE_EVALUATED").last().isEqualTo("RUN_HALTED");
            JsonNode halted = TestServer.json(events).get("items").get(types.size() - 1).get("fields");
            assertThat(halted.get("probe").asText()).isEqualTo("checkout-ok");
            assertThat(halted.get("observed").asText()).startsWith("HTTP 500 in ");

            HttpResponse<String> list = server.get("/api/v1/experiments?state=HALTED", operator);
            assertThat(TestServer.json(list).get("items").findValuesAsText("id")).contains(id);
            // The secret went to the service it is for, and nowhere else.
            assertThat(authorizations).contains(SECRET);
            assertThat(server.get("/api/v1/experiments/" + id, operator).body()).doesNotContain("literal-secret");
            assertThat(events.body()).doesNotContain("literal-secret");
            assertThat(list.body()).doesNotContain("literal-secret");
            assertThat(logs.text()).doesNotContain("literal-secret");
        }
    }

    @Test
    void aTemplateKeepsItsProbeHeadersToRunButNeverShowsThem() throws Exception {
        String url = startShop(() -> 200);
        startServer(null);
        HttpResponse<String> put = server.sendJson("PUT", "/api/v1/templates/checkout", operator, spec(url, 1));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        HttpResponse<String> get = server.get("/api/v1/templates/checkout", operator);
        assertThat(TestServer.json(get).at("/spec/steadyState/probes/0/http/headers/Authorization").asText()).isEqualTo("***");
        assertThat(put.body()).doesNotContain("literal-secret");
        assertThat(get.body()).doesNotContain("literal-secret");
        assertThat(server.get("/api/v1/templates", operator).body()).doesNotContain("literal-secret");
    }

    @Test
    void aServiceThatIsDownBeforeTheFirstKillEndsTheRunNotSteadyWithNothingTerminated() throws Exception {
        TestCloudFactory.TERMINATED.clear();
        String url = startShop(() -> 503);
        startServer(null);
        String id = post(spec(url, 1));
        JsonNode run = awaitState(id, "NOT_STEADY", "COMPLETED", "FAILED");

        assertThat(run.get("state").asText()).isEqualTo("NOT_STEADY");
        assertThat(run.get("terminations")).isEmpty();
        assertThat(TestCloudFactory.TERMINATED).isEmpty();
        assertThat(run.get("failureReason").asText()).contains("status 503 is not one of [200]");
    }

    @Test
    void aFailingServerWideStopConditionHoldsEveryTerminationAndTheApiSaysWhich() throws Exception {
        TestCloudFactory.TERMINATED.clear();
        String url = startShop(() -> 500);
        startServer(TestServer.JSON.readTree("{\"probes\": [{\"name\": \"shop-health\", \"http\": {\"url\": \"" + url
                + "\", \"headers\": {\"Authorization\": \"" + SECRET + "\"}}}], \"every\": \"2s\"}"));
        String viewer = server.token("dash", "viewer");
        await().atMost(Duration.ofSeconds(20)).until(() -> !TestServer.json(server.get("/api/v1/safety/stop-conditions", viewer))
                .at("/stopConditions/0/evaluatedAt").isNull());
        HttpResponse<String> status = server.get("/api/v1/safety/stop-conditions", viewer);
        assertThat(status.statusCode()).isEqualTo(200);
        JsonNode condition = TestServer.json(status).at("/stopConditions/0");
        assertThat(TestServer.json(status).get("holding").asBoolean()).isTrue();
        assertThat(condition.get("name").asText()).isEqualTo("shop-health");
        assertThat(condition.get("passing").asBoolean()).isFalse();
        assertThat(condition.get("observed").asText()).startsWith("HTTP 500 in ");
        assertThat(status.body()).doesNotContain("literal-secret");

        String id = post("{\"name\":\"kill-web\",\"targets\":{\"providers\":[\"tc\"],\"groups\":[\"web\"]},"
                + "\"selection\":{\"mode\":\"count\",\"value\":1}}");
        JsonNode run = awaitState(id, "COMPLETED", "FAILED");
        assertThat(run.get("terminations")).isEmpty();
        assertThat(run.get("refusals")).singleElement().satisfies(refusal -> {
            assertThat(refusal.get("reason").asText()).isEqualTo("STOP_CONDITION_FAILING");
            assertThat(refusal.get("message").asText()).contains("stop condition shop-health is failing (observed: HTTP 500");
        });
        assertThat(TestCloudFactory.TERMINATED).isEmpty();
    }
}
