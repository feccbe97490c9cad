package dev.macaque.testcloud;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.http.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs started and pages viewed all at once, as a busy team would: the load a call budget must hold against. */
public final class Burst {
    private static final Set<String> UNFINISHED = Set.of("PENDING", "RUNNING", "VERIFYING");

    private Burst() {
    }

    /**
     * Starts a run of each of {@code specs} and does each of {@code views}, concurrently on eight threads, then waits
     * until every run has ended.
     *
     * @return each run as {@code GET /api/v1/experiments/{id}} shows it at its end
     */
    public static List<JsonNode> of(TestServer server, List<String> specs, List<Runnable> views) throws Exception {
        ExecutorService crowd = Executors.newFixedThreadPool(8);
        List<String> runs = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> work = new ArrayList<>();
            for (String spec : specs) {
                work.add(crowd.submit(() -> runs.add(TestServer.json(server.sendJson("POST", "/api/v1/experiments",
                        server.adminToken, spec)).get("id").asText())));
            }
            views.forEach(view -> work.add(crowd.submit(view)));
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            crowd.shutdownNow();
        }
        List<JsonNode> ended = new ArrayList<>();
        for (String id : List.copyOf(runs)) {
            JsonNode[] run = new JsonNode[1];
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                run[0] = TestServer.json(server.get("/api/v1/experiments/" + id, server.adminToken));
                return !UNFINISHED.contains(run[0].get("state").asText());
            });
            ended.add(run[0]);
        }
        return ended;
    }
}
