package com.example.macaque;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The example cloud's API on 127.0.0.1, with state: groups, members, and a replacement for every terminated member.
 * It stands in for the real service in tests, speaking the same wire format (see {@link ExampleProvider}).
 */
final class FakeExampleCloud implements AutoCloseable {
    private record Group(String region, String name, Map<String, String> tags, List<String> members) {
    }

    private final HttpServer server;
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Set<String> terminated = new HashSet<>();
    private final Map<String, Integer> sizes = new HashMap<>();
    private int nextId = 1;
    private int requests;

    FakeExampleCloud() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    synchronized FakeExampleCloud group(String region, String name, int size, Map<String, String> tags) {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            members.add(String.format("vm-%04d", nextId++));
        }
        groups.put(region + "/" + name, new Group(region, name, Map.copyOf(tags), members));
        sizes.put(region + "/" + name, size);
        return this;
    }

    /** Requests received so far. */
    synchronized int requests() {
        return requests;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status;
            String body;
            synchronized (this) {
                requests++;
                String path = exchange.getRequestURI().getPath();
                if (exchange.getRequestMethod().equals("GET") && path.equals("/groups")) {
                    status = 200;
                    body = fleet();
                } else if (exchange.getRequestMethod().equals("POST") && path.equals("/terminate")) {
                    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
                    Group group = groups.get(q.get("region") + "/" + q.get("group"));
                    String instance = q.get("instance");
                    boolean dryRun = Boolean.parseBoolean(q.get("dryRun"));
                    if (group != null && terminated.contains(group.name() + "/" + instance)) {
                        status = 200;
                        body = "already-terminated";
                    } else if (group == null || !group.members().contains(instance)) {
                        status = 404;
                        body = instance + " is not a member of " + q.get("group");
                    } else if (dryRun) {
                        status = 200;
                        body = "would-terminate";
                    } else {
                        group.members().remove(instance);
                        terminated.add(group.name() + "/" + instance);
                        group.members().add(String.format("vm-%04d", nextId++)); // the replacement, capacity kept
                        status = 200;
                        body = "terminated";
                    }
                } else {
                    status = 404;
                    body = "no such endpoint";
                }
            }
            byte[] bytes = body.getBytes(UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private String fleet() {
        StringBuilder out = new StringBuilder();
        for (Group group : groups.values()) {
            out.append("group\t").append(group.region()).append('\t').append(group.name()).append('\t')
                    .append(sizes.get(group.region() + "/" + group.name())).append('\t');
            out.append(String.join(",", group.tags().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
            out.append('\n');
            for (String member : group.members()) {
                out.append("member\t").append(member).append("\tzone-a\trunning\ttrue\n");
            }
        }
        return out.toString();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), UTF_8), URLDecoder.decode(pair.substring(eq + 1), UTF_8));
        }
        return out;
    }
}
