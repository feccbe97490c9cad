package dev.macaque.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sends over a thousand random and mutated requests — bodies, content types, headers, paths — to a running server and
 * requires that none is answered with a 5xx, and that each answer matches openapi.yaml (checked by {@link TestServer}).
 * Seeded: a failure names its seed and case so that it can be replayed.
 */
class ApiFuzzTest {
    private static final long SEED = 20261126L;
    private static final int CASES = 1200;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @TempDir
    Path home;

    private record Target(String method, String path, String validBody) {
    }

    @Test
    void randomAndMutatedRequestsNeverCauseAServerError() throws Exception {
        try (TestServer server = TestServer.start(home, Map.of("tc", Map.of("type", "testcloud",
                "groups", "eu-west-1:web:4:true,eu-west-1:db:2:false", "healAfterMillis", "20")))) {
            String admin = server.adminToken;
            String runId = TestServer.json(server.sendJson("POST", "/api/v1/experiments", admin,
                    "{\"name\":\"seed-run\",\"selection\":{\"mode\":\"count\",\"value\":1},\"dryRun\":true}")).get("id").asText();
            List<Target> targets = List.of(
                    new Target("POST", "/api/v1/experiments", "{\"name\":\"f\",\"targets\":{\"providers\":[\"tc\"],\"regions\":[\"eu-west-1\"],"
                            + "\"groups\":[\"web\"],\"tags\":{\"team\":\"payments\"}},\"selection\":{\"mode\":\"count\",\"value\":1},"
                            + "\"guardrails\":{\"minHealthyPercent\":50,\"maxTerminations\":5,\"minTimeBetweenKills\":\"1m\"},"
                            + "\"recovery\":{\"timeout\":\"10s\",\"pollInterval\":\"100ms\"},\"dryRun\":true,\"seed\":1}"),
                    new Target("PUT", "/api/v1/killswitch", "{\"engaged\":false,\"reason\":\"fuzz\"}"),
                    new Target("POST", "/api/v1/tokens", "{\"name\":\"fuzz\",\"role\":\"viewer\"}"),
                    new Target("POST", "/api/v1/experiments/" + runId + "/abort", "{\"reason\":\"fuzz\"}"),
                    new Target("GET", "/api/v1/experiments?limit=5&state=COMPLETED&since=2020-01-01T00:00:00Z", null),
                    new Target("GET", "/api/v1/groups?optedIn=true&tag=team:payments&limit=2", null),
                    new Target("GET", "/api/v1/audit?limit=3", null),
                    new Target("GET", "/api/v1/experiments/" + runId, null));
            Random random = new Random(SEED);
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < CASES; i++) {
                Target target = targets.get(random.nextInt(targets.size()));
                HttpRequest.Builder request = mutate(random, target, server, admin);
                try {
                    HttpResponse<String> response;
                    try {
                        response = server.send(request);
                    } catch (java.io.UncheckedIOException dropped) {
                        // After closing a connection (e.g. on a refused oversized body) the server may have left the
                        // client pooled connections that are already dead: one retry on a new connection (never a
                        // pooled one, which may be dead too) tells them apart.
                        response = server.sendOnANewConnection(request);
                    }
                    if (response.statusCode() >= 500) {
                        failures.add("case " + i + " (seed " + SEED + "): " + target.method() + " " + target.path() + " -> "
                                + response.statusCode() + " " + response.body());
                    }
                } catch (java.io.UncheckedIOException e) {
                    HttpRequest built = request.build();
                    // Jetty answers an illegal path (a NUL byte) with 400, and a body over the cap with 413, then closes
                    // at once; a client still sending its body may see the reset before the answer. That is no server
                    // error; any other dropped connection is.
                    long length = built.bodyPublisher().map(HttpRequest.BodyPublisher::contentLength).orElse(0L);
                    if (!built.uri().getRawPath().contains("%00") && length <= ApiServer.MAX_REQUEST_BYTES) {
                        failures.add("case " + i + " (seed " + SEED + "): " + built.method() + " " + built.uri() + ": " + e.getMessage());
                    }
                } catch (AssertionError e) {
                    HttpRequest built = request.build();
                    failures.add("case " + i + " (seed " + SEED + "): " + built.method() + " " + built.uri() + " body "
                            + built.bodyPublisher().map(HttpRequest.BodyPublisher::contentLength).orElse(0L) + " bytes: " + e.getMessage());
                }
            }
            assertThat(failures).isEmpty();
        }
    }

    private static HttpRequest.Builder mutate(Random random, Target target, TestServer server, String admin) throws Exception {
        String path = target.path();
        if (random.nextInt(10) == 0) {
            path = mutatePath(random, path);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path));
        switch (random.nextInt(12)) {
            case 0 -> { } // no Authorization at all
            case 1 -> request.header("Authorization", asciiText(random, 60));
            case 2 -> request.header("Authorization", "Bearer mq_" + randomText(random, 40).replaceAll("[^A-Za-z0-9]", "x"));
            default -> request.header("Authorization", "Bearer " + admin);
        }
        if (random.nextInt(6) == 0) {
            request.header("Idempotency-Key", random.nextBoolean() ? "k" + random.nextInt(5) : asciiText(random, 300));
        }
        if (random.nextInt(8) == 0) {
            request.header("Accept", random.nextBoolean() ? "application/xml" : "*/*");
        }
        String body = target.validBody() == null ? (random.nextInt(4) == 0 ? randomText(random, 50) : null) : mutateBody(random, target.validBody());
        String contentType = switch (random.nextInt(10)) {
            case 0 -> "text/plain";
            case 1 -> "application/json; charset=latin1";
            case 2 -> null;
            default -> "application/json";
        };
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        String method = target.method();
        if (random.nextInt(15) == 0) {
            method = List.of("GET", "POST", "PUT", "DELETE", "PATCH").get(random.nextInt(5));
        }
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        return request.method(method, publisher);
    }

    private static String mutatePath(Random random, String path) {
        return switch (random.nextInt(4)) {
            case 0 -> path + "/" + randomText(random, 8).replaceAll("[^A-Za-z0-9]", "");
            case 1 -> path.replace("run_", "run_%00");
            case 2 -> path.replaceAll("\\?.*", "") + "?limit=" + random.nextInt() + "&cursor=" + randomText(random, 12).replaceAll("[^A-Za-z0-9]", "")
                    + "&since=" + random.nextInt();
            default -> "/api/v1/" + randomText(random, 6).replaceAll("[^a-z]", "a");
        };
    }

    private static String mutateBody(Random random, String valid) throws Exception {
        switch (random.nextInt(8)) {
            case 0:
                return valid.substring(0, random.nextInt(valid.length())); // truncated
            case 1:
                return randomText(random, 200);
            case 2:
                return "[" + valid + "]";
            case 3: {
                StringBuilder deep = new StringBuilder();
                int depth = 50 + random.nextInt(2000);
                deep.append("{\"a\":".repeat(depth)).append("1").append("}".repeat(depth));
                return deep.toString();
            }
            default: {
                JsonNode tree = JSON.readTree(valid);
                for (int m = 0; m < 1 + random.nextInt(3); m++) {
                    tree = mutateNode(random, tree);
                }
                return JSON.writeValueAsString(tree);
            }
        }
    }

    /** Replaces, removes or adds one value somewhere in the tree. */
    private static JsonNode mutateNode(Random random, JsonNode node) {
        if (node instanceof ObjectNode object && object.size() > 0 && random.nextInt(3) > 0) {
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            String name = names.get(random.nextInt(names.size()));
            switch (random.nextInt(4)) {
                case 0 -> object.remove(name);
                case 1 -> object.set(name, randomValue(random));
                case 2 -> object.set(randomText(random, 6), randomValue(random));
                default -> object.set(name, mutateNode(random, object.get(name)));
            }
            return object;
        }
        if (node instanceof ArrayNode array && random.nextBoolean()) {
            array.add(randomValue(random));
            return array;
        }
        return randomValue(random);
    }

    private static JsonNode randomValue(Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.numberNode(random.nextLong());
            case 2 -> NODES.numberNode(random.nextDouble() * 1e12 - 5e11);
            case 3 -> NODES.booleanNode(random.nextBoolean());
            case 4 -> NODES.textNode(randomText(random, 1 + random.nextInt(70_000)));
            case 5 -> NODES.arrayNode().add(randomText(random, 5)).add(random.nextInt());
            case 6 -> NODES.objectNode().put(randomText(random, 4), random.nextInt());
            case 7 -> NODES.textNode(List.of("count", "percent", "perGroup", "10m", "-1s", "0ms", "true", "admin", "sim").get(random.nextInt(9)));
            case 8 -> NODES.numberNode(List.of(0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE).get(random.nextInt(5)));
            default -> NODES.textNode("");
        };
    }

    /** Printable ASCII (what an HTTP client lets through in a header), possibly with spaces at either end. */
    private static String asciiText(Random random, int maxLength) {
        int length = 1 + random.nextInt(maxLength);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('!' + random.nextInt(94)));
        }
        return text.toString();
    }

    private static String randomText(Random random, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            text.append(kind < 6 ? (char) (' ' + random.nextInt(95)) : kind < 9 ? (char) (0xA0 + random.nextInt(0x2F00)) : (char) random.nextInt(0x20));
        }
        return text.toString();
    }
}
