package dev.macaque.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.macaque.audit.AuditLog;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.store.SmallFileSystem;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server with its embedded database on a real small file system that fills up: readiness says so, the API
 * answers 503 with Retry-After, and both recover by themselves once space is freed, with committed data intact.
 */
class DatabaseUnavailableHttpTest {
    @TempDir
    Path home;

    @Test
    void aFullDiskTurnsReadinessDownAndTheApiTo503AndBothRecoverByThemselvesWhenSpaceIsFreed() throws Exception {
        Optional<SmallFileSystem> mounted = SmallFileSystem.mount(home.resolve("small"), 24);
        assumeThat(mounted).as("this machine permits mounting a tmpfs (the tests run as root here and in CI)").isPresent();
        try (SmallFileSystem disk = mounted.get();
             TestServer server = TestServer.start(home, new MacaqueConfig.DatabaseConfig(
                     "jdbc:h2:file:" + disk.path().resolve("macaque"), "macaque", "", 4), MacaqueConfig.Mode.LEASHED, Map.of())) {
            String viewer = server.token("dashboards", "viewer");
            assertThat(server.get("/health/ready", null).statusCode()).isEqualTo(200);

            disk.fill();
            dev.macaque.store.DiskFullTest.writeUntilAFailure(server.server.injector().getInstance(AuditLog.class));

            await().atMost(Duration.ofSeconds(20)).until(() -> server.get("/health/ready", null).statusCode() == 503);
            HttpResponse<String> ready = server.get("/health/ready", null);
            assertThat(TestServer.json(ready).get("checks").get("database").asText()).startsWith("DOWN: cannot write");
            HttpResponse<String> refused = server.get("/api/v1/killswitch", viewer);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).startsWith(Problem.CONTENT_TYPE);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(TestServer.json(refused).get("detail").asText()).contains("the database cannot write").contains("no run starts");
            HttpResponse<String> noRun = server.sendJson("POST", "/api/v1/experiments", server.adminToken,
                    "{\"name\":\"x\",\"selection\":{\"mode\":\"count\",\"value\":1}}");
            assertThat(noRun.statusCode()).isEqualTo(503);

            disk.free();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> server.get("/health/ready", null).statusCode() == 200);
            assertThat(server.get("/api/v1/killswitch", viewer).statusCode()).as("the token committed before the disk filled")
                    .isEqualTo(200);
            HttpResponse<String> created = server.sendJson("POST", "/api/v1/tokens", server.adminToken, "{\"name\":\"after\",\"role\":\"viewer\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        }
    }
}
