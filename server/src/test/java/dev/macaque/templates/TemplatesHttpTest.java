package dev.macaque.templates;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.http.TestServer;
import dev.macaque.store.TestDatabases;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Templates over HTTP against a running server on the demo world; every answer is checked against openapi.yaml. */
class TemplatesHttpTest {
    private static final String SPEC = "{\"name\":\"kill-one-api\",\"targets\":{\"groups\":[\"api\"]},"
            + "\"selection\":{\"mode\":\"count\",\"value\":1},\"dryRun\":true}";

    @TempDir
    Path home;
    private TestServer server;
    private String operator;
    private String viewer;

    @BeforeEach
    void start() {
        server = TestServer.start(home, TestDatabases.h2(home), MacaqueConfig.Mode.LEASHED,
                Map.of("sim", Map.of("type", "simulated", "world", "demo")));
        operator = server.token("oncall", "operator");
        viewer = server.token("dashboard", "viewer");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void everyPutAddsAVersionAndGetAnswersTheLatest() {
        HttpResponse<String> first = server.sendJson("PUT", "/api/v1/templates/api-dry", operator, SPEC);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(TestServer.json(first).get("version").asInt()).isEqualTo(1);
        HttpResponse<String> second = server.sendJson("PUT", "/api/v1/templates/api-dry", operator, SPEC.replace("\"value\":1", "\"value\":2"));
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(second).get("version").asInt()).isEqualTo(2);

        JsonNode latest = TestServer.json(server.get("/api/v1/templates/api-dry", viewer));
        assertThat(latest.get("version").asInt()).isEqualTo(2);
        assertThat(latest.get("spec").get("selection").get("value").asInt()).isEqualTo(2);
        assertThat(TestServer.json(server.get("/api/v1/templates", viewer)).get("items")).hasSize(1);
    }

    @Test
    void aRunOfATemplateRecordsItsNameAndVersionAndTakesOverrides() {
        server.sendJson("PUT", "/api/v1/templates/api-dry", operator, SPEC);
        HttpResponse<String> created = server.sendJson("POST", "/api/v1/templates/api-dry/runs", operator, "{\"seed\":77}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode run = TestServer.json(created);
        assertThat(run.get("template").get("name").asText()).isEqualTo("api-dry");
        assertThat(run.get("template").get("version").asInt()).isEqualTo(1);
        assertThat(run.get("seed").asLong()).isEqualTo(77);
        assertThat(run.get("dryRun").asBoolean()).isTrue();

        JsonNode again = TestServer.json(server.get("/api/v1/experiments/" + run.get("id").asText(), viewer));
        assertThat(again.get("template").get("version").asInt()).isEqualTo(1);
    }

    @Test
    void anInvalidSpecIsNotStoredAndAnUnknownOverrideIsRefused() {
        HttpResponse<String> invalid = server.sendJson("PUT", "/api/v1/templates/broken", operator, "{\"name\":\"x\"}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(invalid).get("errors").findValuesAsText("field")).contains("selection");
        assertThat(server.get("/api/v1/templates/broken", viewer).statusCode()).isEqualTo(404);

        server.sendJson("PUT", "/api/v1/templates/api-dry", operator, SPEC);
        HttpResponse<String> unknown = server.sendJson("POST", "/api/v1/templates/api-dry/runs", operator, "{\"targets\":{}}");
        assertThat(unknown.statusCode()).isEqualTo(400);
    }

    @Test
    void deleteRemovesATemplateAndNeedsTheOperatorRole() {
        server.sendJson("PUT", "/api/v1/templates/api-dry", operator, SPEC);
        HttpResponse<String> denied = server.send(HttpRequest.newBuilder(server.uri("/api/v1/templates/api-dry")).DELETE()
                .header("Authorization", "Bearer " + viewer));
        assertThat(denied.statusCode()).isEqualTo(403);
        HttpResponse<String> deleted = server.send(HttpRequest.newBuilder(server.uri("/api/v1/templates/api-dry")).DELETE()
                .header("Authorization", "Bearer " + operator));
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(server.get("/api/v1/templates/api-dry", viewer).statusCode()).isEqualTo(404);
        assertThat(server.sendJson("POST", "/api/v1/templates/api-dry/runs", operator, "").statusCode()).isEqualTo(404);
    }

    @Test
    void theHistoryFiltersByTemplateAndKeepsADeletedTemplatesRuns() {
        server.sendJson("PUT", "/api/v1/templates/api-dry", operator, SPEC);
        server.sendJson("PUT", "/api/v1/templates/api-two", operator, SPEC.replace("\"value\":1", "\"value\":2"));
        String first = startFrom("api-dry");
        String second = startFrom("api-dry");
        String other = startFrom("api-two");
        HttpResponse<String> plain = server.sendJson("POST", "/api/v1/experiments", operator, SPEC);
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(201);

        JsonNode page = TestServer.json(server.get("/api/v1/experiments?template=api-dry", viewer));
        assertThat(page.get("items").findValuesAsText("id")).containsExactlyInAnyOrder(first, second);
        assertThat(page.get("items").findValuesAsText("template")).containsOnly("api-dry");
        JsonNode all = TestServer.json(server.get("/api/v1/experiments", viewer));
        assertThat(all.get("items")).hasSize(4);
        assertThat(all.get("items").findValues("template")).anyMatch(JsonNode::isNull);

        assertThat(server.send(HttpRequest.newBuilder(server.uri("/api/v1/templates/api-two")).DELETE()
                .header("Authorization", "Bearer " + operator)).statusCode()).isEqualTo(204);
        JsonNode deletedTemplatesRuns = TestServer.json(server.get("/api/v1/experiments?template=api-two", viewer));
        assertThat(deletedTemplatesRuns.get("items").findValuesAsText("id")).containsExactly(other);
    }

    @Test
    void aTemplateWithoutRunsHasAnEmptyHistoryButAnUnknownNameIsA404WithASuggestion() {
        server.sendJson("PUT", "/api/v1/templates/api-dry", operator, SPEC);
        HttpResponse<String> none = server.get("/api/v1/experiments?template=api-dry", viewer);
        assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
        assertThat(TestServer.json(none).get("items")).isEmpty();

        HttpResponse<String> typo = server.get("/api/v1/experiments?template=api-dyr", viewer);
        assertThat(typo.statusCode()).as(typo.body()).isEqualTo(404);
        assertThat(typo.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = TestServer.json(typo);
        assertThat(problem.get("type").asText()).isEqualTo("https://macaque.dev/problems/no-such-template");
        assertThat(problem.get("detail").asText()).contains("no template named 'api-dyr'").contains("did you mean 'api-dry'?");
        assertThat(problem.get("errors").findValuesAsText("field")).containsExactly("template");

        HttpResponse<String> tooLong = server.get("/api/v1/experiments?template=" + "t".repeat(101), viewer);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(tooLong).get("errors").findValuesAsText("field")).containsExactly("template");
    }

    private String startFrom(String template) {
        HttpResponse<String> created = server.sendJson("POST", "/api/v1/templates/" + template + "/runs", operator, "");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return TestServer.json(created).get("id").asText();
    }
}
