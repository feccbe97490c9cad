package dev.macaque.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.List;
import java.util.ArrayList;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BiPredicate;

/**
 * The client commands' HTTP client over {@code java.net.http}: JSON in and out, bearer token, bounded waits. A
 * problem answer becomes a {@link ClientFailure} with the server's detail and each offending field, and the exit code
 * its status means: 401 and an unreachable server {@link ExitCodes#UNREACHABLE}, other 4xx {@link ExitCodes#REFUSED},
 * 5xx {@link ExitCodes#FAILED}.
 */
final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    ApiClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    URI base() {
        return base;
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    JsonNode post(String path, JsonNode body) {
        return send("POST", path, body);
    }

    JsonNode put(String path, JsonNode body) {
        return send("PUT", path, body);
    }

    JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token);
    }

    /** Sends and answers the JSON body (an empty object for 204); throws {@link ClientFailure} for a problem. */
    JsonNode send(String method, String path, JsonNode body) {
        HttpRequest.Builder request = request(path).timeout(REQUEST_TIMEOUT).header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(write(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = exchange(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() >= 400) {
            throw failure(response.statusCode(), response.body());
        }
        if (response.body() == null || response.body().isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ClientFailure(ExitCodes.FAILED, "the server at " + base + " answered " + method + " " + path + " with no JSON: "
                    + abbreviate(response.body()));
        }
    }

    /**
     * Follows a server-sent event stream until {@code onEvent(name, data)} returns false or the stream ends; answers
     * whether it ended because the callback said so.
     */
    boolean stream(String path, BiPredicate<String, String> onEvent) {
        HttpRequest request = request(path).header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body();
             BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            if (response.statusCode() >= 400) {
                throw failure(response.statusCode(), new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8));
            }
            String event = "message";
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0 && !onEvent.test(event, data.toString())) {
                        return true;
                    }
                    event = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    if (data.length() > 0) {
                        data.append('\n');
                    }
                    data.append(line.substring(5).stripLeading());
                }
            }
            return false;
        } catch (IOException e) {
            throw new ClientFailure(ExitCodes.UNREACHABLE, "lost the event stream from " + base + ": " + e.getMessage());
        }
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new ClientFailure(ExitCodes.UNREACHABLE, "cannot reach the Macaque server at " + base + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + "); is it running? Set --server or "
                    + ClientOptions.SERVER_ENV);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientFailure(ExitCodes.FAILED, "interrupted");
        }
    }

    static ClientFailure failure(int status, String body) {
        int exit = status == 401 ? ExitCodes.UNREACHABLE : status < 500 ? ExitCodes.REFUSED : ExitCodes.FAILED;
        String prefix = status == 401 ? "the server refused the token: " : "";
        StringBuilder message = new StringBuilder(prefix);
        try {
            JsonNode problem = JSON.readTree(body);
            // the status ends the sentence it qualifies; the tables under it stay tables
            message.append(problem.path("detail").asText("HTTP " + status)).append(" (HTTP ").append(status).append(')');
            List<List<String>> errors = new ArrayList<>();
            for (JsonNode error : problem.path("errors")) {
                errors.add(List.of(error.path("field").asText() + ":", error.path("message").asText()));
            }
            List<List<String>> excluded = new ArrayList<>();
            for (JsonNode group : problem.path("excluded")) {
                excluded.add(Tables.excludedRow(group));
            }
            for (List<List<String>> rows : List.of(errors, excluded)) {
                for (String line : Tables.aligned(rows)) {
                    message.append(System.lineSeparator()).append("  ").append(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            message.append("HTTP ").append(status).append(": ").append(abbreviate(body));
        }
        return new ClientFailure(exit, message.toString());
    }

    static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() <= 300 ? text : text.substring(0, 297) + "...";
    }
}
