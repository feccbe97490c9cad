package dev.macaque.chaosmonkey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.store.TestDatabases;
import dev.macaque.testcloud.TestCloudFactory;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three servers on one PostgreSQL database and one cloud, with experiments fired at all three at once on the same
 * groups: the cloud itself records the fewest healthy members each group ever had right after a kill, and no decision
 * of any node, run or spec ever took a group below its minimum.
 */
class FleetSafetyAcrossNodesTest {
    private static final int SIZE = 8;
    private static final int MIN_PERCENT = 50;

    @TempDir
    Path home;

    private final List<Node> nodes = new ArrayList<>();
    private String shared;

    @AfterEach
    void stop() {
        nodes.forEach(Node::close);
        TestCloudFactory.SHARED.remove(shared);
    }

    @Test
    void threeNodesRacingExperimentsOnOneFleetMakeOverAThousandDecisionsWithoutOneGuardrailViolation() throws Exception {
        shared = "fleet-" + UUID.randomUUID();
        MacaqueConfig.DatabaseConfig database = TestDatabases.postgres();
        // The race measures guardrails, not the call budget: each node may call the in-memory cloud freely.
        Map<String, Object> cloud = Map.of("type", "testcloud", "groups", "eu-west-1:web:" + SIZE + ":true,eu-west-1:api:" + SIZE + ":true",
                "healAfterMillis", "40", "shareAs", shared, "callsPerSecond", 100_000, "burst", 10_000);
        for (String id : List.of("a", "b", "c")) {
            MacaqueConfig config = Node.config(database, Map.of("tc", cloud), List.of(), id, "30s", null, null)
                    .withSafety(new MacaqueConfig.SafetyConfig(1_000_000, 1_000_000, 100));
            nodes.add(Node.start(home.resolve(id), config));
        }
        TestCloudFactory.LOWEST_HEALTHY.remove("tc/eu-west-1/web");
        TestCloudFactory.LOWEST_HEALTHY.remove("tc/eu-west-1/api");
        String admin = nodes.get(0).adminToken;

        AtomicInteger decisions = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        ExecutorService clients = Executors.newFixedThreadPool(6);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        for (int c = 0; c < 6; c++) {
            int client = c;
            clients.submit(() -> {
                SplittableRandom random = new SplittableRandom(client);
                while (decisions.get() < 1_000 && System.nanoTime() < deadline && runs.get() < 600) {
                    Node node = nodes.get(random.nextInt(nodes.size()));
                    String groups = List.of("[\"web\"]", "[\"api\"]", "[\"web\",\"api\"]").get(random.nextInt(3));
                    String spec = "{\"name\":\"race\",\"targets\":{\"groups\":" + groups + "},"
                            + "\"selection\":{\"mode\":\"count\",\"value\":" + (2 + random.nextInt(9)) + "},"
                            + "\"guardrails\":{\"minHealthyPercent\":" + MIN_PERCENT + ",\"maxTerminations\":10},"
                            + "\"recovery\":{\"timeout\":\"10s\",\"pollInterval\":\"100ms\"}"
                            + (random.nextBoolean() ? ",\"concurrency\":\"shared\"" : "") + "}";
                    HttpResponse<String> created = node.send("POST", "/api/v1/experiments", admin, spec);
                    if (created.statusCode() == 422 && created.body().contains("GROUP_BUSY")) {
                        busy.incrementAndGet();   // refused at creation: every target group is busy with another run
                        continue;
                    }
                    if (created.statusCode() != 201) {
                        problems.add(created.statusCode() + " " + created.body());
                        continue;
                    }
                    runs.incrementAndGet();
                    String id = Node.json(created).get("id").asText();
                    JsonNode run = awaitEnd(node, admin, id);
                    if (run == null) {
                        JsonNode events = Node.json(node.send("GET", "/api/v1/experiments/" + id + "/events", admin, null));
                        problems.add("run " + id + " did not end: " + events.toString().substring(Math.max(0,
                                events.toString().length() - 1500)));
                        continue;
                    }
                    for (JsonNode event : Node.json(node.send("GET", "/api/v1/experiments/" + id + "/events", admin, null)).get("items")) {
                        String type = event.get("type").asText();
                        if (type.equals("TERMINATION_INTENT") || type.equals("TERMINATION_REFUSED")) {
                            decisions.incrementAndGet();
                        }
                        String reason = event.get("fields").path("reason").asText();
                        if (type.equals("TERMINATION_REFUSED") && reason.equals("GROUP_BUSY")
                                || type.equals("GROUP_SKIPPED") && reason.startsWith("GROUP_BUSY")) {
                            busy.incrementAndGet();
                        }
                    }
                }
                return null;
            });
        }
        clients.shutdown();
        assertThat(clients.awaitTermination(200, TimeUnit.SECONDS)).isTrue();

        assertThat(problems).isEmpty();
        assertThat(decisions.get()).as("decisions made across the three nodes").isGreaterThanOrEqualTo(1_000);
        assertThat(busy.get()).as("exclusive runs were kept off groups other runs were acting on").isPositive();
        int minimum = (SIZE * MIN_PERCENT + 99) / 100;
        assertThat(TestCloudFactory.LOWEST_HEALTHY).containsKeys("tc/eu-west-1/web", "tc/eu-west-1/api");
        TestCloudFactory.LOWEST_HEALTHY.forEach((group, lowest) -> {
            if (group.startsWith("tc/eu-west-1/")) {
                assertThat(lowest).as("fewest healthy in " + group + " right after a kill").isGreaterThanOrEqualTo(minimum);
            }
        });
    }

    private static JsonNode awaitEnd(Node node, String token, String id) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until) {
            JsonNode run = Node.json(node.send("GET", "/api/v1/experiments/" + id, token, null));
            if (List.of("COMPLETED", "FAILED", "ABORTED").contains(run.get("state").asText())) {
                return run;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }
}
