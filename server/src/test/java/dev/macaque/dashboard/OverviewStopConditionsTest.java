package dev.macaque.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.http.TestServer;
import dev.macaque.safety.StopConditionMonitor;
import dev.macaque.store.TestDatabases;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The overview shows a failing server-wide stop condition: its name, what it observed, and that all chaos is held. */
class OverviewStopConditionsTest {
    @TempDir
    Path home;
    private TestServer server;
    private HttpServer shop;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (shop != null) {
            shop.stop(0);
        }
    }

    @Test
    void aFailingStopConditionIsShownOnTheOverviewWithoutItsSecret() throws Exception {
        shop = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        shop.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        shop.start();
        var conditions = TestServer.JSON.readTree("{\"probes\": [{\"name\": \"shop-health\", \"http\": {\"url\": "
                + "\"http://127.0.0.1:" + shop.getAddress().getPort() + "/health\", \"headers\": {\"Authorization\": "
                + "\"Bearer overview-secret\"}}}]}");
        server = TestServer.startWith(home, TestDatabases.h2(home), MacaqueConfig.Mode.LEASHED,
                Map.of("sim", Map.of("type", "simulated", "world", "demo", "speed", "600")),
                config -> config.withSafety(new MacaqueConfig.SafetyConfig(null, null, null, conditions)));
        StopConditionMonitor monitor = server.server.injector().getInstance(StopConditionMonitor.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> monitor.statuses().get(0).evaluatedAt() != null);

        HttpResponse<String> overview = PageClient.signedIn(server, server.adminToken).get("/");

        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.body()).contains("Stop conditions failing", "All chaos is held", "shop-health",
                "status 503 is not one of [200]");
        assertThat(overview.body()).doesNotContain("overview-secret");
    }
}
