package dev.macaque.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.store.TestDatabases;
import dev.macaque.testcloud.TestCloudFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every finished run has a verdict that says whether it went well, over HTTP: in its view, the history, and the end
 * of its event stream. A run that terminated nothing is never PASSED, whatever its state.
 */
class VerdictHttpTest {
    private static final Map<String, Object> CLOUD = Map.of("type", "testcloud",
            "groups", "eu-west-1:web:4:true,us-east-1:api:3:true", "healAfterMillis", "50");
    /** A cloud whose killed instances are not replaced within a run's recovery timeout. */
    private static final Map<String, Object> STUCK = Map.of("type", "testcloud",
            "groups", "eu-west-1:app:3:true", "healAfterMillis", "600000");

    @TempDir
    Path home;
    private TestServer server;
    private String operator;

    @BeforeEach
    void start() {
        server = TestServer.start(home, TestDatabases.h2(home), MacaqueConfig.Mode.UNLEASHED, Map.of("tc", CLOUD, "stuck", STUCK));
        operator = server.token("oncall", "operator");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private JsonNode run(String body) {
        HttpResponse<String> created = server.sendJson("POST", "/api/v1/experiments", operator, body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = TestServer.json(created).get("id").asText();
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = TestServer.json(server.get("/api/v1/experiments/" + id, operator));
            return !last[0].get("verdict").isNull();
        });
        return last[0];
    }

    private static String spec(String provider, String group, int count, String extra) {
        return "{\"name\":\"kill-" + group + "\",\"targets\":{\"providers\":[\"" + provider + "\"],\"groups\":[\"" + group + "\"]},"
                + "\"selection\":{\"mode\":\"count\",\"value\":" + count + "},\"recovery\":{\"timeout\":\"2s\",\"pollInterval\":\"100ms\"}"
                + extra + "}";
    }

    @Test
    void aRunThatKilledAndRecoveredPasses() {
        JsonNode run = run(spec("tc", "web", 1, ""));

        assertThat(run.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(run.get("verdict").asText()).isEqualTo("PASSED");
        assertThat(run.get("verdictReason").asText()).isEqualTo("1 victim terminated, 1 group recovered");
    }

    @Test
    void aRunWhoseEveryVictimTheKillSwitchRefusedKilledNothing() {
        server.sendJson("PUT", "/api/v1/killswitch", operator, "{\"engaged\":true}");

        JsonNode run = run(spec("tc", "web", 2, ""));

        assertThat(run.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(run.get("verdict").asText()).isEqualTo("NOTHING_KILLED");
        assertThat(run.get("verdictReason").asText()).isEqualTo("all 2 victims were refused (kill switch: 2)");
    }

    @Test
    void aRunWhoseEveryVictimAGuardrailRefusedKilledNothing() {
        // The first run leaves web busy recovering for 1h in the eyes of the second: its one victim is refused.
        run(spec("tc", "web", 1, ""));
        JsonNode run = run(spec("tc", "web", 1, ",\"guardrails\":{\"minTimeBetweenKills\":\"1h\"}"));

        assertThat(run.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(run.get("terminations")).isEmpty();
        assertThat(run.get("verdict").asText()).isEqualTo("NOTHING_KILLED");
        assertThat(run.get("verdictReason").asText()).isEqualTo("the only victim was refused (min time between kills: 1)");
    }

    @Test
    void aRunWithSomeVictimsRefusedAndTheRestKilledAndRecoveredIsPartial() {
        JsonNode run = run(spec("tc", "web", 2, ",\"guardrails\":{\"maxTerminations\":1}"));

        assertThat(run.get("verdict").asText()).isEqualTo("PARTIAL");
        assertThat(run.get("verdictReason").asText())
                .isEqualTo("1 of 2 victims terminated, 1 group recovered; 1 refused (max terminations: 1)");
    }

    @Test
    void aGroupThatDidNotRecoverIsAFinding() {
        JsonNode run = run(spec("stuck", "app", 1, ""));

        assertThat(run.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(run.get("verdict").asText()).isEqualTo("FINDING");
        assertThat(run.get("verdictReason").asText()).isEqualTo("1 group of 1 did not recover: stuck/eu-west-1/app");
    }

    @Test
    void theHistoryAndTheEndOfTheEventStreamCarryTheVerdict() throws Exception {
        server.sendJson("PUT", "/api/v1/killswitch", operator, "{\"engaged\":true}");
        String refused = run(spec("tc", "web", 1, "")).get("id").asText();
        // releasing takes an admin
        assertThat(server.sendJson("PUT", "/api/v1/killswitch", server.token("lead", "admin"), "{\"engaged\":false}").statusCode())
                .isEqualTo(200);
        String passed = run(spec("tc", "api", 1, "")).get("id").asText();

        Map<String, String> verdicts = new java.util.HashMap<>();
        TestServer.json(server.get("/api/v1/experiments", operator)).get("items")
                .forEach(item -> verdicts.put(item.get("id").asText(), item.get("verdict").asText()));
        assertThat(verdicts).containsEntry(refused, "NOTHING_KILLED").containsEntry(passed, "PASSED");

        HttpResponse<java.util.stream.Stream<String>> stream = java.net.http.HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.uri("/api/v1/experiments/" + refused + "/events"))
                        .header("Authorization", "Bearer " + operator).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        List<String> lines = stream.body().collect(Collectors.toList());
        String end = lines.get(lines.indexOf("event: end") + 1);
        JsonNode endData = TestServer.JSON.readTree(end.substring("data:".length()).trim());
        assertThat(endData.get("verdict").asText()).isEqualTo("NOTHING_KILLED");
        assertThat(endData.get("state").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void everyEventCarriesItsTypedDataBesideTheStringFields() {
        String id = run(spec("tc", "web", 1, ",\"seed\":2920578993047128")).get("id").asText();

        JsonNode events = TestServer.json(server.get("/api/v1/experiments/" + id + "/events", operator)).get("items");

        Map<String, JsonNode> byType = new java.util.LinkedHashMap<>();
        events.forEach(e -> byType.putIfAbsent(e.get("type").asText(), e));
        JsonNode started = byType.get("RUN_STARTED");
        assertThat(started.get("fields").get("seed").asText()).isEqualTo("2920578993047128");
        assertThat(started.get("data").get("seed").isIntegralNumber()).isTrue();
        assertThat(started.get("data").get("seed").asLong()).isEqualTo(2920578993047128L);
        assertThat(started.get("data").get("dryRun").isBoolean()).isTrue();
        JsonNode selected = byType.get("VICTIMS_SELECTED").get("data");
        assertThat(selected.get("count").asInt()).isEqualTo(1);
        assertThat(selected.get("victims").get(0).get("group").asText()).isEqualTo("tc/eu-west-1/web");
        assertThat(byType.get("GROUP_RECOVERED").get("data").get("afterSeconds").isNumber()).isTrue();
        assertThat(byType.get("VERIFICATION_STARTED").get("data").get("timeoutSeconds").asInt()).isEqualTo(2);
        JsonNode completed = byType.get("RUN_COMPLETED");
        assertThat(completed.get("data").get("terminations").get("TERMINATED").asInt()).isEqualTo(1);
        assertThat(completed.get("fields").get("terminations").asText()).isEqualTo("{TERMINATED=1}");
        for (JsonNode event : events) {
            assertThat(event.get("data").isObject()).as(event.toString()).isTrue();
        }
    }
}
