package dev.macaque.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.store.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zone outage over real HTTP on the simulated cloud, with a real H2 file database: the preview names the zone, every
 * victim and every refusal, its prediction agrees, the run kills exactly the opted-in members in the zone, spares the
 * single-zone group, touches nothing else and sees every group it touched recover; a fleet budget too small for the
 * whole outage refuses it whole.
 */
class ZoneOutageHttpTest {
    /**
     * api: 6 over a, b, c (the world puts members 1..6 in a, b, c, a, b, c): zone a holds api-0001 and api-0004;
     * solo: 2, all in a (single-zone); web: 3 over a, b, c, not opted in.
     */
    private static final String WORLD = """
            name: zones
            seed: 1
            duration: 1d
            groups:
              - {name: api, region: us-east-1, zones: [us-east-1a, us-east-1b, us-east-1c], desired: 6, bootTime: 3s,
                 replacementDelay: 0s, tags: {macaque-enabled: "true"}}
              - {name: solo, region: us-east-1, zones: [us-east-1a], desired: 2, bootTime: 3s, replacementDelay: 0s,
                 tags: {macaque-enabled: "true"}}
              - {name: web, region: us-east-1, zones: [us-east-1a, us-east-1b, us-east-1c], desired: 3, bootTime: 3s,
                 replacementDelay: 0s, tags: {macaque-enabled: "false"}}
            """;
    private static final String SPEC = "{\"name\":\"lose-1a\",\"seed\":11,\"selection\":{\"mode\":\"zone\",\"zone\":\"us-east-1a\"},"
            + "\"recovery\":{\"timeout\":\"5m\",\"pollInterval\":\"5s\"}";

    @TempDir
    Path home;
    private TestServer server;
    private String operator;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(UnaryOperator<MacaqueConfig> adjust) throws Exception {
        Path world = home.resolve("zones.yaml");
        Files.writeString(world, WORLD);
        server = TestServer.startWith(home, TestDatabases.h2(home), MacaqueConfig.Mode.UNLEASHED,
                Map.of("sim", Map.of("type", "simulated", "world", world.toString(), "speed", "60")), adjust);
        operator = server.token("oncall", "operator");
    }

    private JsonNode awaitEnded(String id) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = TestServer.json(server.get("/api/v1/experiments/" + id, operator));
            return List.of("COMPLETED", "FAILED", "ABORTED", "HALTED", "NOT_STEADY").contains(last[0].get("state").asText());
        });
        return last[0];
    }

    private static List<String> texts(JsonNode array, String format) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(format.equals("victim") ? n.get("group").asText() + "/" + n.get("instanceId").asText()
                : n.get("group").asText() + "/" + n.get("instanceId").asText() + ":" + n.get("reason").asText()));
        return out;
    }

    @Test
    void theOutageKillsExactlyTheOptedInMembersInTheZoneAsPreviewedAndPredicted() throws Exception {
        start(UnaryOperator.identity());

        HttpResponse<String> previewed = server.sendJson("POST", "/api/v1/experiments/preview", operator,
                SPEC + ",\"predict\":true}");
        assertThat(previewed.statusCode()).as(previewed.body()).isEqualTo(200);
        JsonNode preview = TestServer.json(previewed);
        assertThat(preview.at("/zone/zone").asText()).isEqualTo("us-east-1a");
        assertThat(preview.at("/zone/kills").asInt()).isEqualTo(2);
        assertThat(texts(preview.get("victims"), "victim")).containsExactly("sim/us-east-1/api/api-0001",
                "sim/us-east-1/api/api-0004", "sim/us-east-1/solo/solo-0001", "sim/us-east-1/solo/solo-0002");
        assertThat(texts(preview.get("refusals"), "refusal")).containsExactly(
                "sim/us-east-1/solo/solo-0001:LAST_HEALTHY_INSTANCE", "sim/us-east-1/solo/solo-0002:LAST_HEALTHY_INSTANCE");
        assertThat(preview.at("/refusals/0/message").asText()).startsWith("single-zone group: a real outage of this zone takes it to zero");
        JsonNode prediction = preview.get("prediction");
        assertThat(prediction.get("victims")).isEqualTo(preview.get("victims"));
        assertThat(texts(prediction.get("refusals"), "refusal")).isEqualTo(texts(preview.get("refusals"), "refusal"));
        assertThat(prediction.get("recoveries")).singleElement().satisfies(r -> {
            assertThat(r.get("group").asText()).isEqualTo("sim/us-east-1/api");
            assertThat(r.get("kills").asInt()).isEqualTo(2);
        });

        HttpResponse<String> created = server.sendJson("POST", "/api/v1/experiments", operator, SPEC + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode run = awaitEnded(TestServer.json(created).get("id").asText());

        assertThat(run.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(run.get("victims")).isEqualTo(preview.get("victims"));
        List<String> killed = new ArrayList<>();
        run.get("terminations").forEach(t -> killed.add(t.get("group").asText() + "/" + t.get("instanceId").asText()
                + ":" + t.get("status").asText()));
        assertThat(killed).containsExactly("sim/us-east-1/api/api-0001:TERMINATED", "sim/us-east-1/api/api-0004:TERMINATED");
        assertThat(texts(run.get("refusals"), "refusal")).isEqualTo(texts(preview.get("refusals"), "refusal"));
        List<String> recovered = new ArrayList<>();
        run.get("recoveries").forEach(r -> recovered.add(r.get("group").asText() + ":" + r.get("status").asText()));
        assertThat(recovered).containsExactly("sim/us-east-1/api:RECOVERED");
    }

    @Test
    void aFleetBudgetTooSmallForTheWholeOutageRefusesItWholeWithNothingKilled() throws Exception {
        start(config -> config.withSafety(new MacaqueConfig.SafetyConfig(1, 50, 3)));
        JsonNode preview = TestServer.json(server.sendJson("POST", "/api/v1/experiments/preview", operator, SPEC + "}"));

        HttpResponse<String> created = server.sendJson("POST", "/api/v1/experiments", operator, SPEC + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode run = awaitEnded(TestServer.json(created).get("id").asText());

        assertThat(run.get("terminations")).isEmpty();
        assertThat(texts(run.get("refusals"), "refusal")).containsExactly(
                "sim/us-east-1/api/api-0001:FLEET_BUDGET", "sim/us-east-1/api/api-0004:FLEET_BUDGET",
                "sim/us-east-1/solo/solo-0001:LAST_HEALTHY_INSTANCE", "sim/us-east-1/solo/solo-0002:LAST_HEALTHY_INSTANCE");
        assertThat(texts(preview.get("refusals"), "refusal")).as("the preview says so before").isEqualTo(texts(run.get("refusals"), "refusal"));
        assertThat(run.at("/refusals/0/message").asText()).contains("needs 2 terminations")
                .contains("safety.maxTerminationsPerHour=1").contains("refused whole, nothing killed");
    }

    @Test
    void aZoneSelectionWithoutAZoneIsAProblem() throws Exception {
        start(UnaryOperator.identity());
        HttpResponse<String> response = server.sendJson("POST", "/api/v1/experiments", operator,
                "{\"name\":\"z\",\"selection\":{\"mode\":\"zone\"}}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith(Problem.CONTENT_TYPE);
        assertThat(response.body()).contains("selection.zone");
    }

    /** Counted by hand from the world: the world fills the emptiest zone first, so api is a, b, c, a, b, c. */
    @Test
    void zoneReadinessSaysWhatEachZonesOutageWouldDoAndStartsNothing() throws Exception {
        start(UnaryOperator.identity());

        HttpResponse<String> response = server.get("/api/v1/zones?provider=sim", operator);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode readiness = TestServer.json(response);
        List<String> lines = new ArrayList<>();
        readiness.get("zones").forEach(zone -> zone.get("groups").forEach(g -> lines.add(zone.get("zone").asText() + " "
                + g.get("group").asText() + " " + g.get("inZone").asInt() + "/" + g.get("healthy").asInt() + "->"
                + g.get("healthyAfter").asInt() + " " + g.get("verdict").asText()
                + (g.has("predictedRecoverySeconds") ? " " + g.get("predictedRecoverySeconds").asDouble() : ""))));
        // no time to recover was measured on this server: the default boot time of 90s, replacement at once
        assertThat(lines).containsExactly(
                "us-east-1a sim/us-east-1/api 2/6->4 RECOVERS 90.0",
                "us-east-1a sim/us-east-1/solo 2/2->0 SINGLE_ZONE",
                "us-east-1a sim/us-east-1/web 1/3->2 NOT_OPTED_IN",
                "us-east-1b sim/us-east-1/api 2/6->4 RECOVERS 90.0",
                "us-east-1b sim/us-east-1/web 1/3->2 NOT_OPTED_IN",
                "us-east-1c sim/us-east-1/api 2/6->4 RECOVERS 90.0",
                "us-east-1c sim/us-east-1/web 1/3->2 NOT_OPTED_IN");
        assertThat(readiness.at("/zones/0/members").asInt()).isEqualTo(5);
        assertThat(readiness.at("/zones/0/singleZone").asInt()).isEqualTo(1);
        assertThat(TestServer.json(server.get("/api/v1/experiments", operator)).get("items")).as("nothing started").isEmpty();

        // a stricter minimum: api keeps 4 of 6, fewer than 80% (5)
        JsonNode strict = TestServer.json(server.get("/api/v1/zones?minHealthyPercent=80", operator));
        assertThat(strict.at("/zones/0/groups/0/verdict").asText()).isEqualTo("BELOW_MINIMUM");

        HttpResponse<String> unknown = server.get("/api/v1/zones?provider=nope", operator);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("no provider 'nope' is configured (configured: sim)");
        assertThat(server.get("/api/v1/zones?minHealthyPercent=120", operator).statusCode()).isEqualTo(400);
    }
}
