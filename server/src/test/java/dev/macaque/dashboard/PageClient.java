package dev.macaque.dashboard;

import dev.macaque.http.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser-like HTTP client for the dashboard's page handlers: keeps the session cookie it was given, posts forms, and
 * does not follow redirects (tests look at them).
 */
final class PageClient {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final TestServer server;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    String cookie;

    PageClient(TestServer server) {
        this.server = server;
    }

    /** Signs in with {@code token}; the session cookie is kept for the next requests. */
    static PageClient signedIn(TestServer server, String token) {
        PageClient client = new PageClient(server);
        HttpResponse<String> answer = client.post("/sign-in", Map.of("token", token, "next", "/"));
        if (answer.statusCode() != 303) {
            throw new AssertionError("sign-in failed: " + answer.statusCode() + " " + answer.body());
        }
        String setCookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
        client.cookie = setCookie.substring(0, setCookie.indexOf(';'));
        return client;
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    /** {@code path} as a browser navigating to it asks for it: HTML first. */
    HttpResponse<String> navigate(String path) {
        return send(request(path).header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").GET());
    }

    HttpResponse<String> post(String path, Map<String, String> form) {
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))));
    }

    /** Posts {@code form} with the session's CSRF token, as the page's own form would. */
    HttpResponse<String> postFromPage(String path, Map<String, String> form) {
        Map<String, String> withToken = new LinkedHashMap<>(form);
        withToken.put("csrf", csrf());
        return post(path, withToken);
    }

    /** The session's CSRF token, as every page's sign-out form carries it. */
    String csrf() {
        Matcher m = CSRF.matcher(get("/fleet").body());
        if (!m.find()) {
            throw new AssertionError("no CSRF token on the page");
        }
        return m.group(1);
    }

    /**
     * Opens {@code path} as a browser's EventSource would; the future completes with every line of the stream once the
     * server has closed it.
     */
    java.util.concurrent.CompletableFuture<java.util.List<String>> stream(String path) {
        HttpRequest.Builder request = request(path).header("Accept", "text/event-stream").GET();
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines()).thenApplyAsync(answer -> {
            if (answer.statusCode() != 200) {
                throw new AssertionError("the stream answered " + answer.statusCode());
            }
            return answer.body().toList();
        });
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server.port() + path));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return request;
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }
}
