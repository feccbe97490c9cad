package dev.macaque.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training simulations over real HTTP: queued on a worker, report kept, listed, bounded, validated. */
class SimulationsHttpTest {
    @TempDir
    Path home;
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String body(String scenario) {
        ObjectNode node = TestServer.JSON.createObjectNode();
        node.put("scenario", scenario);
        return node.toString();
    }

    @Test
    void anOperatorRunsALessonAndEveryoneReadsItsVerdictAndReport() throws Exception {
        server = TestServer.start(home, Map.of());
        String operator = server.token("trainer", "operator");
        String viewer = server.token("student", "viewer");
        String lesson = Files.readString(Path.of("..", "docs", "scenarios", "cascading-dependency.yaml"));

        HttpResponse<String> created = server.sendJson("POST", "/api/v1/simulations", operator, body(lesson));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        JsonNode queued = TestServer.json(created);
        String id = queued.get("id").asText();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/simulations/" + id);
        assertThat(queued.get("scenario").asText()).isEqualTo("cascading-dependency");
        assertThat(queued.get("createdBy").asText()).contains("trainer");
        JsonNode[] done = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            done[0] = TestServer.json(server.get("/api/v1/simulations/" + id, viewer));
            return done[0].get("state").asText().equals("COMPLETED");
        });
        assertThat(done[0].get("passed").asBoolean()).isFalse();
        assertThat(done[0].get("hypothesesFailed").asInt()).isEqualTo(3);
        assertThat(done[0].get("incidents").asInt()).isPositive();
        JsonNode report = TestServer.json(server.get("/api/v1/simulations/" + id + "/report", viewer));
        assertThat(report.at("/incidents/0/rootCause/kind").asText()).isEqualTo("engine-kill");
        HttpResponse<String> page = server.get("/api/v1/simulations/" + id + "/report.html", viewer);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("<h2>Incidents</h2>").contains("db lost 1 of 2 members");
        JsonNode list = TestServer.json(server.get("/api/v1/simulations", viewer));
        assertThat(list.at("/items/0/id").asText()).isEqualTo(id);
    }

    @Test
    void anInvalidScenarioIsA400NamingLineAndKeyAndNothingIsQueued() {
        server = TestServer.start(home, Map.of());
        String operator = server.token("trainer", "operator");

        HttpResponse<String> response = server.sendJson("POST", "/api/v1/simulations", operator,
                body("name: x\nduration: 1h\ngroups:\n  - {name: api, region: r, zones: [a], desird: 2}\n"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith(Problem.CONTENT_TYPE);
        JsonNode problem = TestServer.json(response);
        assertThat(problem.at("/errors/0/field").asText()).isEqualTo("scenario");
        assertThat(problem.at("/errors/0/message").asText()).startsWith("line 4: groups[0].desird");
        assertThat(TestServer.json(server.get("/api/v1/simulations", operator)).get("items")).isEmpty();
    }

    @Test
    void aWorldBiggerThanTheServerSimulatesIsRefusedWithTheLimitAndItsKey() {
        server = TestServer.start(home, Map.of());
        String operator = server.token("trainer", "operator");

        HttpResponse<String> response = server.sendJson("POST", "/api/v1/simulations", operator,
                body("name: big\nduration: 60d\ngroups:\n  - {name: api, region: r, zones: [a], desired: 20000}\n"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response).get("detail").asText())
                .contains("the world has 20000 instances; this server simulates at most 10000 (simulations.maxInstances)")
                .contains("duration 60d is longer than the 30d this server simulates (simulations.maxDuration)");
    }

    @Test
    void simulationsAndTheirReportsAreListedAfterARestartOnTheApiAndTheDashboard() throws Exception {
        dev.macaque.config.MacaqueConfig.DatabaseConfig database = dev.macaque.store.TestDatabases.h2(home);
        server = TestServer.start(home, database, dev.macaque.config.MacaqueConfig.Mode.LEASHED, Map.of());
        String operator = server.token("trainer", "operator");
        String id = TestServer.json(server.sendJson("POST", "/api/v1/simulations", operator,
                body("name: quick\nduration: 1h\ngroups:\n  - {name: a, region: r, zones: [a], desired: 1}\n"))).get("id").asText();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                TestServer.json(server.get("/api/v1/simulations/" + id, operator)).get("state").asText().equals("COMPLETED"));
        String reportBefore = server.get("/api/v1/simulations/" + id + "/report", operator).body();
        server.close();

        server = TestServer.start(home, database, dev.macaque.config.MacaqueConfig.Mode.LEASHED, Map.of());

        JsonNode list = TestServer.json(server.get("/api/v1/simulations", operator));
        assertThat(list.at("/items/0/id").asText()).isEqualTo(id);
        assertThat(list.at("/items/0/state").asText()).isEqualTo("COMPLETED");
        assertThat(list.at("/items/0/passed").asBoolean()).isTrue();
        assertThat(server.get("/api/v1/simulations/" + id + "/report", operator).body()).isEqualTo(reportBefore);
        java.net.http.HttpClient browser = java.net.http.HttpClient.newHttpClient();
        HttpResponse<String> signIn = browser.send(java.net.http.HttpRequest.newBuilder(server.uri("/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token=" + operator + "&next=%2F")).build(),
                HttpResponse.BodyHandlers.ofString());
        String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        HttpResponse<String> page = browser.send(java.net.http.HttpRequest.newBuilder(server.uri("/simulations"))
                .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("id=\"training-simulations\"").contains("href=\"/simulations/server/" + id + "\"");
        // The report opens inside the dashboard's frame (navigation, a way back), the report page in a sandboxed frame.
        HttpResponse<String> framed = browser.send(java.net.http.HttpRequest.newBuilder(server.uri("/simulations/server/" + id))
                .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(framed.statusCode()).isEqualTo(200);
        assertThat(framed.body()).contains("<a href=\"/simulations\">Simulations</a>", "Every hypothesis holds",
                "<iframe class=\"report\" src=\"/simulations/server/" + id + "/report.html\"");
        HttpResponse<String> report = browser.send(java.net.http.HttpRequest.newBuilder(server.uri("/simulations/server/" + id
                + "/report.html")).header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.headers().firstValue("Content-Security-Policy").orElseThrow()).startsWith("sandbox");
        assertThat(report.body()).contains("quick");
    }

    @Test
    void aViewerCannotStartOneAndAnUnknownIdIs404() {
        server = TestServer.start(home, Map.of());
        String viewer = server.token("student", "viewer");

        assertThat(server.sendJson("POST", "/api/v1/simulations", viewer, body("name: x\nduration: 1h\n")).statusCode()).isEqualTo(403);
        HttpResponse<String> missing = server.get("/api/v1/simulations/sim-nope", viewer);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(TestServer.json(missing).get("detail").asText()).contains("no simulation with id 'sim-nope'");
    }
}
