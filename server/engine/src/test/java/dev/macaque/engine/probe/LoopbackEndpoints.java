package dev.macaque.engine.probe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Real HTTP endpoints on 127.0.0.1 for probe tests: each path answers what its handler says; every request's
 * headers are kept so tests can see what was sent. Close it to stop the server and release hanging requests.
 */
public final class LoopbackEndpoints implements AutoCloseable {
    /** An answer: status and body. */
    public record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final CountDownLatch released = new CountDownLatch(1);
    /** Path -> the Authorization-like headers each request carried. */
    public final Map<String, List<Map<String, List<String>>>> requests = new ConcurrentHashMap<>();

    public LoopbackEndpoints() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "loopback-endpoint");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** {@code path} answers with {@code handler}'s answer to the request's query string (may be null). */
    public LoopbackEndpoints answer(String path, Function<String, Answer> handler) {
        server.createContext(path, exchange -> {
            requests.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(Map.copyOf(exchange.getRequestHeaders()));
            Answer answer = handler.apply(exchange.getRequestURI().getRawQuery());
            respond(exchange, answer);
        });
        return this;
    }

    /** {@code path} never answers (until closed). */
    public LoopbackEndpoints hang(String path) {
        server.createContext(path, exchange -> {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        return this;
    }

    /** {@code path} answers 200 after {@code millis}. */
    public LoopbackEndpoints slow(String path, long millis) {
        server.createContext(path, exchange -> {
            try {
                Thread.sleep(millis); // the endpoint is slow on purpose; the test never waits for it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, new Answer(200, "ok"));
        });
        return this;
    }

    private static void respond(HttpExchange exchange, Answer answer) throws IOException {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A Prometheus {@code /api/v1/query} success answer with this {@code data} JSON. */
    public static Answer prometheus(String resultType, String result) {
        return new Answer(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"" + resultType + "\",\"result\":" + result + "}}");
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }
}
