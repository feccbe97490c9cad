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
}
