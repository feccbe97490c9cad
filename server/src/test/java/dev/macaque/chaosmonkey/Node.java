package dev.macaque.chaosmonkey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.MacaqueServer;
import dev.macaque.cluster.ClusterDuties;
import dev.macaque.config.InstallLayout;
import dev.macaque.config.MacaqueConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One server ("node") for Chaos Monkey and cluster tests, with its periodic duties left to the test: the poll interval
 * is an hour, so a test drives {@link #tick(Instant)} and {@link #poll()} itself, in accelerated time.
 */
final class Node implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final MacaqueServer server;
    final String adminToken;
    private final HttpClient http = HttpClient.newHttpClient();

    private Node(MacaqueServer server, String adminToken) {
        this.server = server;
        this.adminToken = adminToken;
    }

    static MacaqueConfig config(MacaqueConfig.DatabaseConfig database, Map<String, Map<String, Object>> providers,
            List<Map<String, Object>> schedules, String nodeId, String lease, MacaqueConfig.OutageCheckConfig outageCheck,
            MacaqueConfig.NotificationsConfig notifications) {
        return new MacaqueConfig(new MacaqueConfig.ServerConfig("127.0.0.1", 0, "200ms"), MacaqueConfig.Mode.UNLEASHED, null, null,
                database, providers).withChaosMonkey(schedules, notifications, new MacaqueConfig.ClusterConfig(nodeId, lease, "1h"),
                outageCheck);
    }

    static Node start(Path home, MacaqueConfig config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MacaqueServer server = MacaqueServer.start(config, new InstallLayout(home), new PrintStream(out, true, StandardCharsets.UTF_8));
        String token = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("ADMIN TOKEN: "))
                .map(l -> l.substring(13)).findFirst().orElse(null);
        return new Node(server, token);
    }

    <T> T get(Class<T> type) {
        return server.injector().getInstance(type);
    }

    List<Decision> tick(Instant now) {
        return get(ScheduleRunner.class).tick(now);
    }

    void poll() {
        get(ClusterDuties.class).poll();
    }

    HttpResponse<String> send(String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    String token(String name, String role) {
        HttpResponse<String> created = send("POST", "/api/v1/tokens", adminToken, "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}");
        if (created.statusCode() != 201) {
            throw new AssertionError("token creation failed: " + created.statusCode() + " " + created.body());
        }
        return json(created).get("token").asText();
    }

    @Override
    public void close() {
        server.close();
    }
}
