package dev.macaque.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.audit.RefusalAudit;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.store.TestDatabases;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API under abuse: label floods, hostile paths, unauthenticated noise, per-token floods. */
class AbuseHttpTest {
    @TempDir
    Path home;
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private TestServer start(MacaqueConfig.LimitsConfig limits) {
        server = TestServer.startWith(home, TestDatabases.h2(home), MacaqueConfig.Mode.LEASHED, Map.of(), c -> c.withLimits(limits));
        return server;
    }

    private long latencySeries() {
        return server.get("/metrics", null).body().lines().filter(l -> l.startsWith("http_server_requests_seconds_count{")).count();
    }

    @Test
    void thousandsOfDistinctMethodsAndPathsAddNoMetricSeries() {
        start(MacaqueConfig.LimitsConfig.DEFAULT);
        // one of each kind first: an unknown method, an unknown path, a known route
        server.send(HttpRequest.newBuilder(server.uri("/api/v1/providers")).method("BREW", HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + server.adminToken));
        server.get("/api/v1/no-such-thing-0", server.adminToken);
        server.get("/api/v1/providers", server.adminToken);
        server.get("/metrics", null);
        long before = latencySeries();

        String longName = "X".repeat(2000);
        for (int i = 0; i < 1500; i++) {
            server.send(HttpRequest.newBuilder(server.uri("/api/v1/providers"))
                    .method(longName + i, HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + server.adminToken));
            server.get("/api/v1/no-such-thing-" + i + "/" + longName, server.adminToken);
        }

        assertThat(latencySeries()).isEqualTo(before);
        String metrics = server.get("/metrics", null).body();
        assertThat(metrics).contains("method=\"OTHER\"").contains("uri=\"UNMATCHED\"").doesNotContain(longName);
    }

    @Test
    void aMalformedPercentEscapeInAnIdIsA400ProblemOnEveryRouteWithAnId() {
        start(MacaqueConfig.LimitsConfig.DEFAULT);
        List<String[]> routes = List.of(
                new String[] {"GET", "/api/v1/experiments/%u002e"}, new String[] {"GET", "/api/v1/experiments/%u002e/events"},
                new String[] {"POST", "/api/v1/experiments/%u002e/abort"}, new String[] {"DELETE", "/api/v1/tokens/%u002e"},
                new String[] {"GET", "/api/v1/schedules/%u002e"}, new String[] {"PUT", "/api/v1/schedules/%u002e"},
                new String[] {"DELETE", "/api/v1/schedules/%u002e"}, new String[] {"GET", "/api/v1/schedules/%u002e/upcoming"},
                new String[] {"GET", "/api/v1/experiments/%u002e%u002e"});
        assertThat(server.raw("GET", "/api/v1/experiments/%u002e", server.adminToken).body())
                .as("the route check names the escape").contains("malformed percent-escape '%u002e'");
        for (String[] route : routes) {
            TestServer.RawResponse response = server.raw(route[0], route[1], server.adminToken);
            assertThat(response.status()).as(route[0] + " " + route[1] + ": " + response.body()).isEqualTo(400);
            assertThat(response.headers()).as(response.headers() + "\n\n" + response.body()).containsIgnoringCase("application/problem+json");
            // the escape is refused by the route check, or by Jetty before routing: a 400 problem either way, never a 500
            assertThat(response.body()).contains("\"status\":400").doesNotContain("internal error");
            OpenApiConformance.check(route[0], "/api/v1/experiments/x", 400, "application/problem+json", response.body());
        }
        // a truncated escape never gets past Jetty, which answers with the same problem format
        TestServer.RawResponse truncated = server.raw("GET", "/api/v1/experiments/ab%2", server.adminToken);
        assertThat(truncated.status()).isEqualTo(400);
        assertThat(truncated.headers()).containsIgnoringCase("application/problem+json");
    }

    @Test
    void unauthenticatedNoiseIsLimitedPerSourceAndAuditedAsOneCountedEntryPerMinute() {
        start(new MacaqueConfig.LimitsConfig(5, null, null, null));
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> refused = server.get("/api/v1/providers", i % 2 == 0 ? null : "mq_forged" + i);
            assertThat(refused.statusCode()).isEqualTo(401);
        }
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> limited = server.get("/api/v1/providers", "mq_forged" + i);
            assertThat(limited.statusCode()).as("call %d over the limit", i).isEqualTo(429);
            assertThat(limited.headers().firstValue("Content-Type").orElseThrow()).startsWith(Problem.CONTENT_TYPE);
            assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
            assertThat(TestServer.json(limited).get("detail").asText())
                    .contains("too many unauthenticated or failed-authentication requests from 127.0.0.1").contains("at most 5 a minute");
        }
        assertThat(server.get("/health/live", null).statusCode()).as("health is never limited").isEqualTo(200);
        assertThat(server.get("/api/v1/killswitch", server.adminToken).statusCode()).as("a valid token from the same address")
                .isEqualTo(200);

        server.server.injector().getInstance(RefusalAudit.class).flush(true);
        JsonNode audit = TestServer.json(server.get("/api/v1/audit?limit=500", server.adminToken)).get("items");
        List<JsonNode> refusals = new java.util.ArrayList<>();
        audit.forEach(entry -> {
            if (entry.get("action").asText().equals("auth.unauthenticated")) {
                refusals.add(entry);
            }
        });
        assertThat(refusals).as("one entry for the source and minute, not one per call").hasSizeBetween(1, 2);
        long counted = refusals.stream().mapToLong(e -> Long.parseLong(e.get("detail").asText().replaceAll("^count=(\\d+).*$", "$1"))).sum();
        assertThat(counted).isEqualTo(205);
        assertThat(refusals.get(0).get("source").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void aTokenOverItsLimitGets429WithRetryAfterAndOtherTokensGoOn() {
        start(new MacaqueConfig.LimitsConfig(null, 20, null, null));
        String busy = server.token("busy", "viewer");
        String calm = server.token("calm", "viewer");
        int served = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 40; i++) {
            last = server.get("/api/v1/killswitch", busy);
            if (last.statusCode() == 200) {
                served++;
            } else {
                break;
            }
        }
        assertThat(served).isEqualTo(20);
        assertThat(last.statusCode()).isEqualTo(429);
        assertThat(last.headers().firstValue("Retry-After")).isPresent();
        assertThat(TestServer.json(last).get("detail").asText()).contains("too many requests with the token 'busy'");
        assertThat(server.get("/api/v1/killswitch", calm).statusCode()).isEqualTo(200);
    }
}
