package dev.macaque.auth.oidc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A browser for the single sign-on flow over plain HTTP: keeps every cookie it is given (by name, for any host: the
 * tests run on loopback), and follows no redirect by itself so that each step can be looked at.
 */
public final class SsoBrowser {
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    public final Map<String, String> cookies = new LinkedHashMap<>();

    public HttpResponse<String> get(String url) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (!cookies.isEmpty()) {
            request.header("Cookie", String.join("; ", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
        }
        try {
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            for (String set : answer.headers().allValues("Set-Cookie")) {
                String pair = set.substring(0, set.indexOf(';') < 0 ? set.length() : set.indexOf(';'));
                String name = pair.substring(0, pair.indexOf('='));
                String value = pair.substring(pair.indexOf('=') + 1);
                if (value.isEmpty() || set.contains("Max-Age=0")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String location(HttpResponse<String> answer) {
        return answer.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no Location: " + answer.statusCode()
                + " " + answer.body()));
    }

    /** The query parameter {@code name} of {@code url}, decoded. */
    public static String param(String url, String name) {
        String query = URI.create(url).getRawQuery();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (pair.substring(0, eq).equals(name)) {
                return java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
