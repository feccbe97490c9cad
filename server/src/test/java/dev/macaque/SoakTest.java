package dev.macaque;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.config.MacaqueConfig;
import dev.macaque.http.TestServer;
import dev.macaque.store.TestDatabases;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded soak (about 20 s of load, well under a minute in all): mixed reads, experiment POSTs, live event streams
 * that hang up, and unauthenticated noise with made-up methods and paths, all at once against one server. Afterwards
 * its threads, heap after GC, {@code /metrics} size and database size must be within fixed bounds.
 */
class SoakTest {
    private static final Duration LOAD = Duration.ofSeconds(20);
    private static final Map<String, Object> CLOUD = Map.of("type", "testcloud",
            "groups", "eu-west-1:web:6:true,eu-west-1:api:6:true", "healAfterMillis", "20");

    @TempDir
    Path home;

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long databaseBytes(Path home) throws Exception {
        try (Stream<Path> files = Files.walk(home)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".mv.db")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void underMixedLoadAndAbuseThreadsHeapMetricsAndDatabaseStayWithinFixedBounds() throws Exception {
        try (TestServer server = TestServer.startWith(home, TestDatabases.h2(home), MacaqueConfig.Mode.UNLEASHED, Map.of("tc", CLOUD),
                c -> c.withLimits(new MacaqueConfig.LimitsConfig(60, 1_000_000, 50, 200)))) {
            String operator = server.token("soak", "operator");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            server.get("/metrics", null);
            int threadsBefore = threads();
            long heapBefore = heapAfterGc();

            long deadline = System.nanoTime() + LOAD.toNanos();
            AtomicLong requests = new AtomicLong();
            AtomicReference<String> lastRun = new AtomicReference<>();
            List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
            ExecutorService load = Executors.newFixedThreadPool(4);
            List<Future<?>> workers = new ArrayList<>();
            workers.add(load.submit(() -> { // reads
                String[] paths = {"/api/v1/providers", "/api/v1/experiments?limit=5", "/api/v1/killswitch", "/api/v1/audit?limit=5",
                    "/health/ready", "/metrics"};
                for (int i = 0; System.nanoTime() < deadline && i < 100_000; i++) {
                    int status = send(http, HttpRequest.newBuilder(server.uri(paths[i % paths.length]))
                            .header("Authorization", "Bearer " + operator).GET());
                    requests.incrementAndGet();
                    if (status != 200) {
                        unexpected.add("read " + paths[i % paths.length] + " -> " + status);
                    }
                }
                return null;
            }));
            workers.add(load.submit(() -> { // experiment POSTs
                for (int i = 0; System.nanoTime() < deadline && i < 10_000; i++) {
                    HttpResponse<String> created = http.send(HttpRequest.newBuilder(server.uri("/api/v1/experiments"))
                            .header("Authorization", "Bearer " + operator).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"soak-" + i + "\",\"targets\":{\"providers\":[\"tc\"]},"
                                    + "\"selection\":{\"mode\":\"count\",\"value\":1},\"dryRun\":" + (i % 2 == 0)
                                    + ",\"guardrails\":{\"minHealthyPercent\":0},\"recovery\":{\"timeout\":\"5s\",\"pollInterval\":\"100ms\"}}"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    requests.incrementAndGet();
                    if (created.statusCode() == 201) {
                        lastRun.set(TestServer.json(created).get("id").asText());
                    } else {
                        unexpected.add("POST -> " + created.statusCode() + " " + created.body());
                    }
                    Thread.sleep(100);
                }
                return null;
            }));
            workers.add(load.submit(() -> { // live streams that hang up after their first event
                for (int i = 0; System.nanoTime() < deadline && i < 10_000; i++) {
                    String run = lastRun.get();
                    if (run == null) {
                        Thread.sleep(50);
                        continue;
                    }
                    try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
                        socket.setSoTimeout(5_000);
                        socket.getOutputStream().write(("GET /api/v1/experiments/" + run + "/events HTTP/1.1\r\nHost: x\r\n"
                                + "Authorization: Bearer " + operator + "\r\nAccept: text/event-stream\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                        for (String line = in.readLine(); line != null && !line.startsWith("event:"); line = in.readLine()) {
                            if (line.startsWith("HTTP/1.1 ") && !line.startsWith("HTTP/1.1 200") && !line.startsWith("HTTP/1.1 503")) {
                                unexpected.add("stream -> " + line);
                            }
                        }
                    }
                    requests.incrementAndGet();
                }
                return null;
            }));
            workers.add(load.submit(() -> { // unauthenticated noise with made-up methods and paths
                for (int i = 0; System.nanoTime() < deadline && i < 200_000; i++) {
                    int status = send(http, HttpRequest.newBuilder(server.uri("/api/v1/noise/" + i + "/" + "n".repeat(500)))
                            .header("Authorization", "Bearer mq_garbage" + i).method("NOISE" + i, HttpRequest.BodyPublishers.noBody()));
                    requests.incrementAndGet();
                    if (status != 401 && status != 429) {
                        unexpected.add("noise -> " + status);
                    }
                }
                return null;
            }));
            for (Future<?> worker : workers) {
                worker.get(LOAD.toSeconds() + 30, TimeUnit.SECONDS);
            }
            load.shutdownNow();

            assertThat(unexpected).as("answers other than the expected ones").isEmpty();
            assertThat(requests.get()).as("the soak did real work").isGreaterThan(500);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                    .until(() -> server.get("/api/v1/experiments?state=RUNNING", operator).body().contains("\"items\":[]")
                            && server.get("/api/v1/experiments?state=VERIFYING", operator).body().contains("\"items\":[]"));
            int threadsAfter = threads();
            long heapAfter = heapAfterGc();
            int metricsBytes = server.get("/metrics", null).body().length();
            long databaseAfter = databaseBytes(home);

            assertThat(threadsAfter).as("threads: before %d", threadsBefore).isLessThanOrEqualTo(threadsBefore + 40);
            assertThat(heapAfter - heapBefore).as("heap growth after GC").isLessThan(96L * 1024 * 1024);
            assertThat(metricsBytes).as("/metrics size").isLessThan(400 * 1024);
            assertThat(databaseAfter).as("database size").isLessThan(48L * 1024 * 1024);
        }
    }

    private static int send(HttpClient http, HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
