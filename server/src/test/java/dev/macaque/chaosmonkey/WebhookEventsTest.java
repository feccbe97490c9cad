package dev.macaque.chaosmonkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.store.TestDatabases;
import dev.macaque.testcloud.TestCloudFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a configured webhook hears from running servers. */
class WebhookEventsTest {
    @TempDir
    Path home;
    private HttpServer receiver;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final List<Node> nodes = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        TestCloudFactory.TERMINATED.clear();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(Node.JSON.readTree(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
        receiver.stop(0);
    }

    private Node node(String id, MacaqueConfig.DatabaseConfig database) {
        MacaqueConfig.NotificationsConfig hooks = new MacaqueConfig.NotificationsConfig(List.of(new MacaqueConfig.WebhookConfig(
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", "k", List.of())), 3, "50ms");
        Node node = Node.start(home.resolve(id), Node.config(database, Map.of("tc", ScheduleHttpTest.CLOUD), List.of(), id, "30s", null, hooks));
        nodes.add(node);
        return node;
    }

    private List<String> types() {
        return received.stream().map(n -> n.get("type").asText()).toList();
    }

    @Test
    void aRunAnnouncesItsStartItsTerminationAndItsEnd() {
        Node node = node("n1", TestDatabases.h2(home));
        String body = "{\"name\":\"kill-web\",\"targets\":{\"providers\":[\"tc\"],\"groups\":[\"web\"]},"
                + "\"selection\":{\"mode\":\"count\",\"value\":1},\"recovery\":{\"timeout\":\"30s\",\"pollInterval\":\"100ms\"}}";
        assertThat(node.send("POST", "/api/v1/experiments", node.adminToken, body).statusCode()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(20)).until(() -> types().contains("run.finished"));
        assertThat(types()).containsExactly("run.started", "termination", "run.finished");
        JsonNode termination = received.get(1);
        assertThat(termination.get("text").asText()).startsWith("Macaque: terminated ").contains("tc/eu-west-1/web");
        assertThat(received.get(2).get("data").get("state").asText()).isEqualTo("COMPLETED");
        assertThat(received.get(2).get("data").get("verdict").asText()).isEqualTo("PASSED");
        assertThat(received.get(2).get("text").asText()).contains("PASSED: 1 victim terminated, 1 group recovered");
        assertThat(received.get(0).get("data").get("dryRun").isBoolean()).isTrue();
        assertThat(received.get(0).get("fields").get("dryRun").asText()).isEqualTo("false");
    }

    @Test
    void aKillSwitchChangeIsAnnouncedOnceByOneOfSeveralNodes() throws Exception {
        MacaqueConfig.DatabaseConfig database = TestDatabases.postgres();
        Node one = node("one", database);
        Node two = node("two", database);
        one.send("PUT", "/api/v1/killswitch", one.adminToken, "{\"engaged\":true,\"reason\":\"incident 7\"}");
        one.poll();
        two.poll();
        two.poll();
        await().atMost(Duration.ofSeconds(10)).until(() -> types().contains("killswitch"));
        Thread.sleep(300);
        assertThat(types()).containsExactly("killswitch");
        assertThat(received.get(0).get("text").asText()).contains("ENGAGED").contains("incident 7");
    }

    @Test
    void anEngageReleasedAtOnceIsAnnouncedAsBothTransitions() {
        Node node = node("n1", TestDatabases.h2(home));
        node.send("PUT", "/api/v1/killswitch", node.adminToken, "{\"engaged\":true,\"reason\":\"oops\"}");
        node.send("PUT", "/api/v1/killswitch", node.adminToken, "{\"engaged\":false}");
        node.poll();
        await().atMost(Duration.ofSeconds(10)).until(() -> types().size() >= 2);
        assertThat(types()).containsExactly("killswitch", "killswitch");
        assertThat(received).extracting(n -> n.get("data").get("engaged").asText()).containsExactlyInAnyOrder("true", "false");
    }
}
