package dev.macaque.testcloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.http.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What people look at about one provider's fleet, as they would: the API's group listing page by page and filtered,
 * and the dashboard's Overview, Fleet and group pages in a signed-in session. Every answer must be a success.
 */
public final class FleetViews {
    private final TestServer server;
    private final String provider;
    private final String region;
    private final HttpClient pages = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final String cookie;

    public FleetViews(TestServer server, String provider, String region) {
        this.server = server;
        this.provider = provider;
        this.region = region;
        this.cookie = signIn();
    }

    /**
     * One round: {@code listings} walks of the API's group listing (every page, 40 a page), each filter once, the
     * Overview, Fleet, zones, New experiment, History and Schedules pages, zone readiness ({@code GET /api/v1/zones}),
     * a whole-fleet preview, and each of {@code groups}' group page; returns the groups the API listed.
     */
    public List<JsonNode> round(int listings, List<String> groups) {
        List<JsonNode> listed = new ArrayList<>();
        for (int i = 0; i < listings; i++) {
            listed = allPages("/api/v1/groups?provider=" + provider + "&limit=40");
        }
        allPages("/api/v1/groups?provider=" + provider + "&optedIn=true&limit=40");
        allPages("/api/v1/groups?provider=" + provider + "&region=" + region + "&limit=1000");
        allPages("/api/v1/groups?provider=" + provider + "&tag=macaque-enabled:true&limit=25");
        page("/");
        page("/fleet");
        page("/fleet?optedIn=true");
        page("/fleet/zones?provider=" + provider);
        page("/experiments/new");
        page("/experiments");
        page("/schedules");
        HttpResponse<String> preview = server.sendJson("POST", "/api/v1/experiments/preview", server.adminToken,
                "{\"name\":\"look\",\"seed\":1,\"targets\":{\"providers\":[\"" + provider + "\"]},"
                        + "\"selection\":{\"mode\":\"count\",\"value\":2}}");
        assertThat(preview.statusCode()).as("preview: %s", preview.body()).isEqualTo(200);
        HttpResponse<String> zones = server.get("/api/v1/zones?provider=" + provider, server.adminToken);
        assertThat(zones.statusCode()).as("zones: %s", zones.body()).isEqualTo(200);
        for (String group : groups) {
            groupPage(group);
        }
        return listed;
    }

    /** A group's dashboard page, at the address the Fleet page links it with (names may hold a slash: Azure's do). */
    public String groupPage(String group) {
        return page("/fleet/" + provider + "/" + region + "/" + dev.macaque.dashboard.Format.path(group));
    }

    /** Every page of an API group listing, following its cursors; each page must report no provider error. */
    public List<JsonNode> allPages(String path) {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        do {
            HttpResponse<String> answer = server.get(path + (cursor == null ? "" : "&cursor="
                    + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), server.adminToken);
            assertThat(answer.statusCode()).as("%s: %s", path, answer.body()).isEqualTo(200);
            JsonNode page = TestServer.json(answer);
            assertThat(page.get("errors")).as("%s: %s", path, answer.body()).isEmpty();
            page.get("items").forEach(items::add);
            cursor = page.path("nextCursor").isTextual() ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return items;
    }

    /** A dashboard page, as a signed-in browser asks for it; it must render. */
    public String page(String path) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(server.uri(path)).header("Cookie", cookie)
                .header("Accept", "text/html").GET());
        assertThat(answer.statusCode()).as("%s: %s", path, answer.body()).isEqualTo(200);
        return answer.body();
    }

    /** {@code GET /health/ready}, which must answer 200 (the inventory's checks are in its body). */
    public String readiness() {
        HttpResponse<String> answer = server.get("/health/ready", null);
        assertThat(answer.statusCode()).as("/health/ready: %s", answer.body()).isEqualTo(200);
        return answer.body();
    }

    /** {@code macaque_cloud_throttled_total} of the provider, as {@code /metrics} shows it. */
    public double throttledTotal() {
        String metrics = server.get("/metrics", null).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("macaque_cloud_throttled_total\\{[^}]*provider=\""
                + java.util.regex.Pattern.quote(provider) + "\"[^}]*} (\\S+)").matcher(metrics);
        assertThat(m.find()).as("macaque_cloud_throttled_total of %s in /metrics", provider).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private String signIn() {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(server.uri("/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(server.adminToken, StandardCharsets.UTF_8)
                        + "&next=%2F")));
        assertThat(answer.statusCode()).as("sign-in: %s", answer.body()).isEqualTo(303);
        String setCookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return pages.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
