package dev.macaque.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Module;
import dev.macaque.MacaqueServer;
import dev.macaque.config.InstallLayout;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.store.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real server on 127.0.0.1 with a fresh embedded database in {@code home}, and an HTTP client for it. The admin
 * token the server printed on its first start is captured.
 */
public final class TestServer implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();

    public final MacaqueServer server;
    public final String adminToken;
    public final String stdout;
    private final HttpClient http = HttpClient.newHttpClient();

    private TestServer(MacaqueServer server, String stdout) {
        this.server = server;
        this.stdout = stdout;
        this.adminToken = stdout.lines().filter(l -> l.startsWith("ADMIN TOKEN: ")).map(l -> l.substring(13)).findFirst().orElse(null);
    }

    public static TestServer start(Path home, Map<String, Map<String, Object>> providers, Module... extra) {
        return start(home, TestDatabases.h2(home), MacaqueConfig.Mode.LEASHED, providers, extra);
    }

    public static TestServer start(Path home, MacaqueConfig.DatabaseConfig database, MacaqueConfig.Mode mode,
            Map<String, Map<String, Object>> providers, Module... extra) {
        return startWith(home, database, mode, providers, java.util.function.UnaryOperator.identity(), extra);
    }

    /** A server whose configuration {@code adjust} changes first (limits, the port, ...). */
    public static TestServer startWith(Path home, MacaqueConfig.DatabaseConfig database, MacaqueConfig.Mode mode,
            Map<String, Map<String, Object>> providers, java.util.function.UnaryOperator<MacaqueConfig> adjust, Module... extra) {
        MacaqueConfig config = adjust.apply(new MacaqueConfig(new MacaqueConfig.ServerConfig("127.0.0.1", 0, "200ms"), mode, null, null,
                database, providers));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MacaqueServer server = MacaqueServer.start(config, new InstallLayout(home), new PrintStream(out, true, StandardCharsets.UTF_8), extra);
        return new TestServer(server, out.toString(StandardCharsets.UTF_8));
    }

    /**
     * Sends {@code requestLine}'s request as raw bytes (for what {@link java.net.URI} refuses to build, such as a
     * malformed escape) and returns the status code and the body.
     */
    public RawResponse raw(String method, String rawPath, String token) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            String request = method + " " + rawPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "Content-Length: 0\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(answer.substring(9, 12));
            int split = answer.indexOf("\r\n\r\n");
            String headers = answer.substring(0, split);
            String body = answer.substring(split + 4);
            if (headers.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                body = dechunk(body);
            }
            return new RawResponse(status, headers, body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public record RawResponse(int status, String headers, String body) {
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int end = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, end).trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(chunked, end + 2, end + 2 + size);
            at = end + 2 + size + 2;
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** Sends a request; every answer is checked against openapi.yaml. */
    public HttpResponse<String> send(HttpRequest.Builder request) {
        return send(http, request);
    }

    /**
     * The same as {@link #send(HttpRequest.Builder)} on a connection of its own: a new client, so no pooled connection
     * the server may already have closed is reused.
     */
    public HttpResponse<String> sendOnANewConnection(HttpRequest.Builder request) {
        return send(HttpClient.newHttpClient(), request);
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request) {
        try {
            HttpRequest built = request.build();
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            OpenApiConformance.check(built.method(), built.uri().getPath(), response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(null), response.body());
            return response;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    public HttpResponse<String> sendJson(String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    /** Creates a token of {@code role} through the API with the admin token. */
    public String token(String name, String role) {
        HttpResponse<String> created = sendJson("POST", "/api/v1/tokens", adminToken,
                "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}");
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
