package dev.macaque.chaosmonkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.experiments.RunStore;
import dev.macaque.experiments.StoredRun;
import dev.macaque.killswitch.KillSwitchStore;
import dev.macaque.schedule.KillScheduleParser;
import dev.macaque.schedule.PlannedKill;
import dev.macaque.schedule.ScheduleCalendar;
import dev.macaque.spi.GroupRef;
import dev.macaque.store.TestDatabases;
import dev.macaque.testcloud.TestCloudFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schedule runner on one node, driven in accelerated time: what it does with each planned kill. */
class ScheduleRunnerTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    /** A Monday after the schedule is created (a schedule plans nothing before its last change), its Wednesday a holiday. */
    private static final LocalDate MONDAY = LocalDate.now(PARIS).with(java.time.temporal.TemporalAdjusters.next(java.time.DayOfWeek.MONDAY));
    private static final GroupRef WEB = new GroupRef("tc", "eu-west-1", "web");
    private static final String DAILY = ScheduleHttpTest.SCHEDULE.replace("\"2d\"", "\"1d\"")
            .replace("2026-03-04", MONDAY.plusDays(2).toString());

    @TempDir
    Path home;
    private Node node;
    private HttpServer statusPage;
    private final AtomicInteger statusCode = new AtomicInteger(200);

    @BeforeEach
    void clear() {
        TestCloudFactory.TERMINATED.clear();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (statusPage != null) {
            statusPage.stop(0);
        }
    }

    private void start(MacaqueConfig.OutageCheckConfig outageCheck) {
        node = Node.start(home, Node.config(TestDatabases.h2(home), Map.of("tc", ScheduleHttpTest.CLOUD), List.of(), "n1", "30s",
                outageCheck, null));
        String operator = node.token("oncall", "operator");
        assertThat(node.send("POST", "/api/v1/schedules", operator, DAILY).statusCode()).isEqualTo(201);
        // the days between now and MONDAY, as if no node had run: their kills are recorded as missed, not fired
        node.tick(MONDAY.atStartOfDay(PARIS).toInstant());
        assertThat(decisions()).allMatch(d -> d.state() == DecisionState.SKIPPED_MISSED_WINDOW);
        TestCloudFactory.TERMINATED.clear();
    }

    private List<Decision> decisionsOn(LocalDate day) {
        return decisions().stream().filter(d -> d.day().equals(day)).toList();
    }

    private static PlannedKill planned(GroupRef group, LocalDate day) {
        return new ScheduleCalendar(new KillScheduleParser().parse(DAILY), 11).killOn(group, day).orElseThrow();
    }

    private static Instant endOfWindow(LocalDate day) {
        return day.atTime(17, 0).atZone(PARIS).toInstant();
    }

    private List<Decision> decisions() {
        return node.get(ScheduleStore.class).decisions(null, 1000);
    }

    @Test
    void aDueKillStartsOneRunAtItsPlannedTimeAndIsNeverRepeated() {
        start(null);
        PlannedKill kill = planned(WEB, MONDAY);
        assertThat(node.tick(kill.at().minusSeconds(1))).noneMatch(d -> d.groupKey().equals(WEB.toString()));

        List<Decision> handled = node.tick(kill.at().plusSeconds(1));
        Decision web = handled.stream().filter(d -> d.groupKey().equals(WEB.toString())).findFirst().orElseThrow();
        assertThat(web.state()).isEqualTo(DecisionState.STARTED);
        assertThat(web.day()).isEqualTo(MONDAY);
        StoredRun run = await().atMost(Duration.ofSeconds(20)).until(() -> node.get(RunStore.class).find(web.runId()).orElseThrow(),
                r -> r.state().equals("COMPLETED"));
        assertThat(run.createdBy()).isEqualTo("schedule:weekday");
        assertThat(TestCloudFactory.TERMINATED).filteredOn(t -> t.startsWith(WEB + "/")).hasSize(1);

        String scheduleId = node.get(ScheduleStore.class).list().get(0).id();
        com.fasterxml.jackson.databind.JsonNode recent = Node.json(node.send("GET", "/api/v1/schedules/" + scheduleId + "/upcoming",
                node.adminToken, null)).get("recentDecisions");
        assertThat(recent.findValuesAsText("runId")).contains(web.runId());
        assertThat(recent.get(0).get("day").asText()).isEqualTo(MONDAY.toString());

        node.tick(kill.at().plusSeconds(60));
        node.tick(endOfWindow(MONDAY).minusSeconds(1));
        assertThat(decisions()).filteredOn(d -> d.groupKey().equals(WEB.toString()) && d.day().equals(MONDAY)).hasSize(1);
        assertThat(TestCloudFactory.TERMINATED).filteredOn(t -> t.startsWith(WEB + "/")).hasSize(1);
    }

    @Test
    void aKillWhoseWindowPassedWhileNoNodeRanIsRecordedAsSkippedAndNeverFiredLate() {
        start(null);
        List<Decision> handled = node.tick(endOfWindow(MONDAY).plus(Duration.ofHours(3)));
        assertThat(handled).hasSize(2).allSatisfy(d -> {
            assertThat(d.state()).isEqualTo(DecisionState.SKIPPED_MISSED_WINDOW);
            assertThat(d.detail()).contains("window ended");
        });
        assertThat(decisionsOn(MONDAY)).hasSize(2);
        assertThat(node.get(RunStore.class).list(null, null, null, null, 10)).isEmpty();
        assertThat(TestCloudFactory.TERMINATED).isEmpty();
    }

    @Test
    void holidaysAndWeekendsPlanNothing() {
        start(null);
        LocalDate holiday = MONDAY.plusDays(2);
        node.tick(endOfWindow(holiday.minusDays(1)).minusSeconds(1));  // Tuesday: due kills execute
        int beforeHoliday = decisions().size();
        node.tick(endOfWindow(MONDAY.plusDays(6)));                     // through Wednesday (holiday) to Sunday
        assertThat(decisions()).noneMatch(d -> d.day().equals(holiday))
                .noneMatch(d -> d.day().getDayOfWeek().getValue() >= 6);
        assertThat(decisions().size() - beforeHoliday).isEqualTo(4);   // Thursday and Friday, two groups each
    }

    @Test
    void aFailingOutageCheckPostponesTheKillUntilItPassesWithinTheWindow() throws Exception {
        statusPage = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        statusPage.createContext("/status", exchange -> {
            exchange.sendResponseHeaders(statusCode.get(), -1);
            exchange.close();
        });
        statusPage.start();
        start(new MacaqueConfig.OutageCheckConfig("http://127.0.0.1:" + statusPage.getAddress().getPort() + "/status", "2s", false));
        PlannedKill kill = planned(WEB, MONDAY);
        statusCode.set(503);

        Decision postponed = node.tick(kill.at().plusSeconds(1)).stream().filter(d -> d.groupKey().equals(WEB.toString()))
                .findFirst().orElseThrow();
        assertThat(postponed.state()).isEqualTo(DecisionState.POSTPONED);
        assertThat(postponed.detail()).contains("answered HTTP 503");
        assertThat(node.tick(kill.at().plusSeconds(30))).filteredOn(d -> d.groupKey().equals(WEB.toString()))
                .singleElement().satisfies(d -> assertThat(d.attempts()).isEqualTo(2));

        statusCode.set(204);
        Decision started = node.tick(kill.at().plusSeconds(60)).stream().filter(d -> d.groupKey().equals(WEB.toString()))
                .findFirst().orElseThrow();
        assertThat(started.state()).isEqualTo(DecisionState.STARTED);
        assertThat(started.runId()).isEqualTo(postponed.runId());
        await().atMost(Duration.ofSeconds(20)).until(() -> TestCloudFactory.TERMINATED.stream().anyMatch(t -> t.startsWith(WEB + "/")));
    }

    @Test
    void anOutageLastingTheWholeWindowSkipsTheKill() throws Exception {
        start(new MacaqueConfig.OutageCheckConfig("http://127.0.0.1:9/unreachable", "500ms", false));
        PlannedKill kill = planned(WEB, MONDAY);
        node.tick(kill.at().plusSeconds(1));
        List<Decision> last = node.tick(endOfWindow(MONDAY).plusSeconds(1));
        assertThat(last).filteredOn(d -> d.groupKey().equals(WEB.toString())).singleElement().satisfies(d -> {
            assertThat(d.state()).isEqualTo(DecisionState.SKIPPED_OUTAGE);
            assertThat(d.detail()).contains("did not answer");
        });
        assertThat(TestCloudFactory.TERMINATED).isEmpty();
    }

    @Test
    void anEngagedKillSwitchSkipsTheScheduledKill() {
        start(null);
        node.get(KillSwitchStore.class).set(true, "incident 42", "test");
        PlannedKill kill = planned(WEB, MONDAY);
        assertThat(node.tick(kill.at().plusSeconds(1))).filteredOn(d -> d.groupKey().equals(WEB.toString())).singleElement()
                .satisfies(d -> assertThat(d.state()).isEqualTo(DecisionState.SKIPPED_KILL_SWITCH));
        assertThat(TestCloudFactory.TERMINATED).isEmpty();
    }
}
