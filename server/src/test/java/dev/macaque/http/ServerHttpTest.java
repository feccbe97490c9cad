package dev.macaque.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.MacaqueServer;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.plugin.TestPlugins;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real HTTP calls against a started server on 127.0.0.1. */
class ServerHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;
    private TestServer test;
    private MacaqueServer server;

    @AfterEach
    void stop() {
        if (test != null) {
            test.close();
        }
    }

    private void start(Map<String, Map<String, Object>> providers) {
        test = TestServer.start(home, providers);
        server = test.server;
    }

    private HttpResponse<String> get(String path) {
        return test.get(path, test.adminToken);
    }

    @Test
    void listsInstalledPluginsConfiguredInstancesAndLoadErrors() throws Exception {
        TestPlugins.workingPlugin(home.resolve("plugins"), "acme", "acme");
        Files.createDirectories(home.resolve("plugins/broken"));
        Files.writeString(home.resolve("plugins/broken/x.jar"), "not a jar", StandardCharsets.UTF_8);
        start(Map.of("acme-prod", Map.of("type", "acme", "region", "r1")));

        HttpResponse<String> response = get("/api/v1/providers");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        JsonNode acme = find(body.get("installed"), "type", "acme");
        assertThat(acme.get("origin").asText()).endsWith("plugins/acme");
        assertThat(acme.get("spiVersion").asText()).isEqualTo(dev.macaque.spi.SpiVersion.CURRENT);
        assertThat(acme.get("pluginVersion").isNull()).as("the test plugin's jar has no Implementation-Version").isTrue();
        assertThat(body.get("serverSpiVersion").asText()).isEqualTo(dev.macaque.spi.SpiVersion.CURRENT);
        assertThat(acme.get("status").asText()).isEqualTo("configured");
        assertThat(acme.get("configKeys").findValuesAsText("name")).containsExactly("region", "size");
        JsonNode instance = find(body.get("instances"), "id", "acme-prod");
        assertThat(instance.get("status").asText()).isEqualTo("ready");
        assertThat(instance.get("leashed").asBoolean()).isTrue();
        assertThat(body.get("loadErrors").get(0).get("plugin").asText()).endsWith("plugins/broken");
        assertThat(body.get("loadErrors").get(0).get("error").asText()).contains("corrupt jar");
    }

    @Test
    void readinessIsUpWhenEveryConfiguredProviderIsReady() throws Exception {
        TestPlugins.workingPlugin(home.resolve("plugins"), "acme", "acme");
        start(Map.of("acme-prod", Map.of("type", "acme", "region", "r1")));

        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).at("/checks/provider:acme-prod").asText()).isEqualTo("UP");
        assertThat(JSON.readTree(ready.body()).at("/checks/database").asText()).isEqualTo("UP");
    }

    @Test
    void readinessIsDownNamingTheProviderThatFailed() throws Exception {
        start(Map.of("ghost", Map.of("type", "no-such-type")));

        HttpResponse<String> ready = get("/health/ready");

        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(ready.body()).at("/checks/provider:ghost").asText()).startsWith("DOWN").contains("not installed");
        assertThat(get("/health/live").statusCode()).as("liveness does not depend on providers").isEqualTo(200);
    }

    @Test
    void aProviderThatCannotBeListedLeavesItsInventoryStaleAndTheServerDegradedNotDown() throws Exception {
        start(Map.of("tc", Map.of("type", "testcloud", "groups", "eu-west-1:web:2:true", "failListing", "true")));

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                JSON.readTree(get("/health/ready").body()).at("/checks/inventory:tc").asText().startsWith("STALE"));
        HttpResponse<String> ready = get("/health/ready");

        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(ready.body());
        assertThat(body.get("status").asText()).isEqualTo("DEGRADED");
        assertThat(body.at("/checks/inventory:tc").asText()).isEqualTo("STALE: never listed; last refresh failed: "
                + "PERMISSION_DENIED: no credentials: the default credentials chain found none");
    }

    @Test
    void anUnknownRouteIsAProblemJson404() throws Exception {
        start(Map.of());

        HttpResponse<String> response = get("/api/v1/nothing-here");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith(Problem.CONTENT_TYPE);
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(404);
        assertThat(problem.get("title").asText()).isEqualTo("Not Found");
        assertThat(problem.get("detail").asText()).isEqualTo("no such resource: GET /api/v1/nothing-here");
        assertThat(problem.get("instance").asText()).isEqualTo("/api/v1/nothing-here");
    }

    @Test
    void aWrongMethodIsAProblemJsonError() throws Exception {
        start(Map.of());

        HttpResponse<String> response = test.sendJson("POST", "/api/v1/providers", test.adminToken, "{}");

        assertThat(response.statusCode()).isIn(404, 405);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith(Problem.CONTENT_TYPE);
    }

    @Test
    void listensOnLoopbackOnly() {
        start(Map.of());

        assertThat(server.injector().getInstance(MacaqueConfig.class).server().host()).isEqualTo("127.0.0.1");
        assertThat(server.injector().getInstance(io.javalin.Javalin.class).jettyServer().server().getURI().getHost())
                .isIn("127.0.0.1", "localhost");
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode node : array) {
            if (value.equals(node.path(field).asText())) {
                return node;
            }
        }
        throw new AssertionError("no element with " + field + "=" + value + " in " + array);
    }

    @Test
    void metricsAreExposedForPrometheusWithRouteTemplatesAsLabels() throws Exception {
        start(Map.of());
        get("/api/v1/providers");
        get("/api/v1/nothing-here");

        HttpResponse<String> metrics = test.get("/metrics", null);

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        assertThat(metrics.body())
                .contains("http_server_requests_seconds_count{method=\"GET\",status=\"200\",uri=\"/api/v1/providers\"}")
                .contains("jvm_memory_used_bytes")
                .doesNotContain("uri=\"/api/v1/nothing-here\"");
    }
}
