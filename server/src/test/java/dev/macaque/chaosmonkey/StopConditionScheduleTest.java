package dev.macaque.chaosmonkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.schedule.KillScheduleParser;
import dev.macaque.schedule.PlannedKill;
import dev.macaque.schedule.ScheduleCalendar;
import dev.macaque.spi.GroupRef;
import dev.macaque.store.TestDatabases;
import dev.macaque.testcloud.TestCloudFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failing server-wide stop condition ({@code safety.stopConditions}) holds a schedule's kill until it passes again. */
class StopConditionScheduleTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final LocalDate MONDAY = LocalDate.now(PARIS).with(java.time.temporal.TemporalAdjusters.next(java.time.DayOfWeek.MONDAY));
    private static final GroupRef WEB = new GroupRef("tc", "eu-west-1", "web");
    private static final String DAILY = ScheduleHttpTest.SCHEDULE.replace("\"2d\"", "\"1d\"")
            .replace("2026-03-04", MONDAY.plusDays(2).toString());

    @TempDir
    Path home;
    private Node node;
    private HttpServer shop;
    private final AtomicInteger shopStatus = new AtomicInteger(500);

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (shop != null) {
            shop.stop(0);
        }
    }

    private JsonNode stopConditions() {
        return Node.json(node.send("GET", "/api/v1/safety/stop-conditions", node.adminToken, null));
    }

    private void awaitCondition(boolean passing) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonNode condition = stopConditions().get("stopConditions").get(0);
            return !condition.get("evaluatedAt").isNull() && condition.get("passing").asBoolean() == passing;
        });
    }

    @Test
    void aFailingStopConditionPostponesThePlannedKillUntilItPassesAgain() throws Exception {
        TestCloudFactory.TERMINATED.clear();
        shop = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        shop.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(shopStatus.get(), -1);
            exchange.close();
        });
        shop.start();
        JsonNode conditions = Node.JSON.readTree("{\"probes\": [{\"name\": \"shop-health\", \"http\": {\"url\": "
                + "\"http://127.0.0.1:" + shop.getAddress().getPort() + "/health\", \"timeout\": \"500ms\"}}], \"every\": \"500ms\"}");
        MacaqueConfig config = Node.config(TestDatabases.h2(home), Map.of("tc", ScheduleHttpTest.CLOUD), List.of(), "n1", "30s",
                null, null).withSafety(new MacaqueConfig.SafetyConfig(null, null, null, conditions));
        node = Node.start(home, config);
        String operator = node.token("oncall", "operator");
        assertThat(node.send("POST", "/api/v1/schedules", operator, DAILY).statusCode()).isEqualTo(201);
        node.tick(MONDAY.atStartOfDay(PARIS).toInstant());
        TestCloudFactory.TERMINATED.clear();
        awaitCondition(false);
        assertThat(stopConditions().get("holding").asBoolean()).isTrue();
        assertThat(stopConditions().get("stopConditions").get(0).get("observed").asText()).startsWith("HTTP 500 in ");

        PlannedKill kill = new ScheduleCalendar(new KillScheduleParser().parse(DAILY), 11).killOn(WEB, MONDAY).orElseThrow();
        Decision postponed = node.tick(kill.at().plusSeconds(1)).stream().filter(d -> d.groupKey().equals(WEB.toString()))
                .findFirst().orElseThrow();
        assertThat(postponed.state()).isEqualTo(DecisionState.POSTPONED);
        assertThat(postponed.detail()).contains("stop condition shop-health is failing (observed: HTTP 500 in ")
                .contains("status 500 is not one of [200]");
        assertThat(TestCloudFactory.TERMINATED).isEmpty();

        shopStatus.set(200);
        awaitCondition(true);
        assertThat(stopConditions().get("holding").asBoolean()).isFalse();
        Decision started = node.tick(kill.at().plusSeconds(60)).stream().filter(d -> d.groupKey().equals(WEB.toString()))
                .findFirst().orElseThrow();
        assertThat(started.state()).isEqualTo(DecisionState.STARTED);
        await().atMost(Duration.ofSeconds(20)).until(() -> TestCloudFactory.TERMINATED.stream().anyMatch(t -> t.startsWith(WEB + "/")));
    }
}
