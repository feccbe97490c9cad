package dev.macaque.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens, roles, the kill switch and the audit trail over real HTTP. */
class SecurityHttpTest {
    @TempDir
    Path home;
    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(home, Map.of());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detailPart) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith(Problem.CONTENT_TYPE);
        assertThat(TestServer.json(response).get("detail").asText()).contains(detailPart);
    }

    @Test
    void theFirstStartPrintsAnAdminTokenOnceAsADocumentedLine() {
        assertThat(server.adminToken).startsWith("mq_");
        assertThat(server.stdout.lines().filter(l -> l.startsWith("ADMIN TOKEN: "))).hasSize(1);
        assertThat(server.get("/api/v1/killswitch", server.adminToken).statusCode()).isEqualTo(200);
    }

    @Test
    void aRestartNeverPrintsAnotherAdminToken() {
        var database = TestServerDatabase.of(server);
        server.close();
        server = TestServer.start(home, database, dev.macaque.config.MacaqueConfig.Mode.LEASHED, Map.of());
        assertThat(server.stdout).doesNotContain("ADMIN TOKEN");
        assertThat(server.adminToken).isNull();
    }

    @Test
    void aStartThatFailsOnAPortInUsePrintsNoAdminTokenAndTheNextStartStillGetsOne() throws Exception {
        server.close();
        server = null;
        Path fresh = home.resolve("fresh");
        var freshDatabase = dev.macaque.store.TestDatabases.h2(fresh);
        try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            var config = new dev.macaque.config.MacaqueConfig(new dev.macaque.config.MacaqueConfig.ServerConfig("127.0.0.1",
                    taken.getLocalPort(), "200ms"), null, null, null, freshDatabase, Map.of());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.macaque.MacaqueServer.start(config,
                    new dev.macaque.config.InstallLayout(fresh), new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8)))
                    .isInstanceOf(RuntimeException.class);
            assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("ADMIN TOKEN");
        }
        server = TestServer.start(fresh, freshDatabase, dev.macaque.config.MacaqueConfig.Mode.LEASHED, Map.of());
        assertThat(server.adminToken).as("the failed start used up nothing").startsWith("mq_");
        assertThat(server.get("/api/v1/killswitch", server.adminToken).statusCode()).isEqualTo(200);
    }

    @Test
    void everyApiCallNeedsAValidBearerToken() {
        assertProblem(server.get("/api/v1/providers", null), 401, "missing Authorization header");
        assertProblem(server.get("/api/v1/providers", "mq_not-a-real-token"), 401, "not valid");
        HttpResponse<String> basic = server.send(java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/providers"))
                .header("Authorization", "Basic YWRtaW46YWRtaW4="));
        assertProblem(basic, 401, "Bearer scheme");
        assertThat(basic.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"macaque\"");
        assertThat(server.get("/health/live", null).statusCode()).as("health needs no token").isEqualTo(200);
    }

    @Test
    void rolesAreEnforcedAndDenialsAudited() {
        String viewer = server.token("dashboards", "viewer");
        String operator = server.token("oncall", "operator");

        assertThat(server.get("/api/v1/killswitch", viewer).statusCode()).isEqualTo(200);
        assertProblem(server.sendJson("PUT", "/api/v1/killswitch", viewer, "{\"engaged\":true}"), 403, "needs the operator role");
        assertProblem(server.sendJson("POST", "/api/v1/tokens", operator, "{\"name\":\"x\",\"role\":\"admin\"}"), 403, "needs the admin role");
        assertProblem(server.get("/api/v1/providers", "mq_forged"), 401, "not valid");

        server.server.injector().getInstance(dev.macaque.audit.RefusalAudit.class).flush(true);
        JsonNode audit = TestServer.json(server.get("/api/v1/audit?limit=50", viewer)).get("items");
        assertThat(audit.findValuesAsText("outcome")).contains("forbidden", "unauthenticated");
        assertThat(audit.findValuesAsText("action")).contains("auth.denied", "auth.unauthenticated", "token.create");
        assertThat(audit.toString()).as("secrets never reach the audit trail").doesNotContain(viewer).doesNotContain(operator);
    }

    @Test
    void operatorsEngageTheKillSwitchButOnlyAdminsReleaseIt() {
        String operator = server.token("oncall", "operator");

        HttpResponse<String> engaged = server.sendJson("PUT", "/api/v1/killswitch", operator, "{\"engaged\":true,\"reason\":\"incident 7\"}");
        assertThat(engaged.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(engaged).get("engaged").asBoolean()).isTrue();
        assertThat(TestServer.json(engaged).get("changedBy").asText()).startsWith("oncall");

        assertProblem(server.sendJson("PUT", "/api/v1/killswitch", operator, "{\"engaged\":false}"), 403, "releasing the kill switch needs the admin role");
        assertThat(TestServer.json(server.get("/api/v1/killswitch", operator)).get("engaged").asBoolean()).isTrue();

        HttpResponse<String> released = server.sendJson("PUT", "/api/v1/killswitch", server.adminToken, "{\"engaged\":false}");
        assertThat(TestServer.json(released).get("engaged").asBoolean()).isFalse();
        JsonNode audit = TestServer.json(server.get("/api/v1/audit", operator)).get("items");
        assertThat(audit.findValuesAsText("action")).contains("killswitch.engage", "killswitch.release");
    }

    @Test
    void badKillSwitchBodiesAreSpecificFourHundreds() {
        assertProblem(server.sendJson("PUT", "/api/v1/killswitch", server.adminToken, "{}"), 400, "engaged is required");
        assertProblem(server.sendJson("PUT", "/api/v1/killswitch", server.adminToken, "{\"engaged\":true,\"extra\":1}"), 400, "extra: unknown field");
        assertProblem(server.sendJson("PUT", "/api/v1/killswitch", server.adminToken, "{\"engaged\":"), 400, "not valid JSON");
        assertProblem(server.sendJson("PUT", "/api/v1/killswitch", server.adminToken, "[true]"), 400, "must be a JSON object");
        assertProblem(server.sendJson("PUT", "/api/v1/killswitch", server.adminToken,
                "{\"engaged\":true,\"reason\":\"" + "x".repeat(501) + "\"}"), 400, "at most 500");
        HttpResponse<String> text = server.send(java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/killswitch"))
                .header("Authorization", "Bearer " + server.adminToken).header("Content-Type", "text/plain")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("engaged")));
        assertProblem(text, 415, "application/json");
    }

    @Test
    void oversizedBodiesAreRefused() {
        HttpResponse<String> huge = server.sendJson("PUT", "/api/v1/killswitch", server.adminToken,
                "{\"engaged\":true,\"reason\":\"" + "x".repeat(100_000) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(huge.headers().firstValue("Content-Type").orElseThrow()).startsWith(Problem.CONTENT_TYPE);
    }

    @Test
    void adminsCreateListAndRevokeTokensAndSecretsAreShownOnce() {
        HttpResponse<String> created = server.sendJson("POST", "/api/v1/tokens", server.adminToken, "{\"name\":\"ci\",\"role\":\"operator\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode token = TestServer.json(created);
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/tokens/" + token.get("id").asText());
        String secret = token.get("token").asText();

        HttpResponse<String> list = server.get("/api/v1/tokens", server.adminToken);
        assertThat(list.body()).contains("\"ci\"").doesNotContain(secret).doesNotContain("hash");

        assertThat(server.send(java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/tokens/" + token.get("id").asText()))
                .header("Authorization", "Bearer " + server.adminToken).DELETE()).statusCode()).isEqualTo(204);
        assertProblem(server.get("/api/v1/killswitch", secret), 401, "revoked");
        assertProblem(server.sendJson("POST", "/api/v1/tokens", server.adminToken, "{\"name\":\"x\",\"role\":\"root\"}"), 400, "role must be one of");
        assertProblem(server.sendJson("POST", "/api/v1/tokens", server.adminToken, "{\"name\":\"has space\",\"role\":\"viewer\"}"), 400, "token name");
    }

    @Test
    void anActiveTokensNameCannotBeTakenAgainUntilItIsRevoked() {
        HttpResponse<String> first = server.sendJson("POST", "/api/v1/tokens", server.adminToken, "{\"name\":\"ci-twice\",\"role\":\"operator\"}");
        assertThat(first.statusCode()).isEqualTo(201);
        String id = TestServer.json(first).get("id").asText();

        HttpResponse<String> second = server.sendJson("POST", "/api/v1/tokens", server.adminToken, "{\"name\":\"ci-twice\",\"role\":\"viewer\"}");
        assertProblem(second, 409, "an active token named 'ci-twice' already exists (" + id + ")");
        assertThat(TestServer.json(second).get("type").asText()).isEqualTo("https://macaque.dev/problems/token-name-taken");
        assertThat(TestServer.json(server.get("/api/v1/tokens", server.adminToken)).get("items").findValuesAsText("name"))
                .containsOnlyOnce("ci-twice");

        assertThat(server.send(java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/tokens/" + id))
                .header("Authorization", "Bearer " + server.adminToken).DELETE()).statusCode()).isEqualTo(204);
        assertThat(server.sendJson("POST", "/api/v1/tokens", server.adminToken, "{\"name\":\"ci-twice\",\"role\":\"viewer\"}")
                .statusCode()).as("a revoked token's name is free again").isEqualTo(201);
    }

    @Test
    void auditPagingRejectsBadParameters() {
        assertProblem(server.get("/api/v1/audit?limit=0", server.adminToken), 400, "limit must be an integer from 1 to 500");
        assertProblem(server.get("/api/v1/audit?cursor=garbage!", server.adminToken), 400, "cursor is not valid");
        assertProblem(server.get("/api/v1/audit?since=yesterday", server.adminToken), 400, "ISO-8601");
    }
}
