package dev.macaque.simulations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.macaque.audit.AuditLog;
import dev.macaque.auth.Principal;
import dev.macaque.auth.Role;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker pool: never more at once than configured, a full queue refused, a wall-clock limit enforced. */
class SimulationServiceTest {
    /** A month of a thousand-instance world with kills every day: seconds of work, longer than the limits below. */
    private static final String SLOW = """
            name: slow
            duration: 30d
            groups:
              - {name: api, region: r, zones: [a, b], desired: 1000, bootTime: 60s, tags: {macaque-enabled: "true"}}
            services:
              - {name: api, group: api, capacityPerInstance: 1, load: 990}
            chaos:
              - schedule: {meanTimeBetweenKills: 1d, window: {from: "00:00", to: "23:59", zone: UTC,
                           weekdays: [MON, TUE, WED, THU, FRI, SAT, SUN]}}
                experiment: {name: churn, selection: {mode: count, value: 50}}
            """;
    private static final Principal OPERATOR = new Principal("t1", "trainer", Role.OPERATOR);

    @TempDir
    Path dir;
    private Database database;
    private SimulationService service;

    @BeforeEach
    void open() {
        database = Database.open(new MacaqueConfig.DatabaseConfig("jdbc:h2:file:" + dir.resolve("db"), "macaque", "", 2));
    }

    @AfterEach
    void close() {
        if (service != null) {
            service.close();
        }
        database.close();
    }

    private SimulationService service(MacaqueConfig.SimulationsConfig config) {
        return new SimulationService(config, new SimulationHistory(database, "test"), new AuditLog(database, Clock.systemUTC()),
                Clock.systemUTC());
    }

    @Test
    void withOneWorkerAndNoQueueASecondSimulationIsRefusedWhileTheFirstRuns() {
        service = service(new MacaqueConfig.SimulationsConfig(1, 0, null, null, "10m", null));

        TrainingSimulation first = service.submit(SLOW, null, OPERATOR, "test");

        assertThatThrownBy(() -> service.submit(SLOW, null, OPERATOR, "test")).isInstanceOf(SimulationService.Busy.class)
                .hasMessageContaining("1 simulations are running and 0 are waiting");
        assertThat(service.list()).extracting(TrainingSimulation::id).containsExactly(first.id());
    }

    @Test
    void aSimulationPastItsWallClockLimitIsStoppedAndSaysWhy() {
        service = service(new MacaqueConfig.SimulationsConfig(1, 1, null, null, "1ms", null));

        TrainingSimulation sim = service.submit(SLOW, null, OPERATOR, "test");

        await().atMost(Duration.ofSeconds(30)).until(() -> service.find(sim.id()).orElseThrow().state().equals("FAILED"));
        assertThat(service.find(sim.id()).orElseThrow().error()).contains("1ms wall-clock limit (simulations.timeout)");
        assertThat(service.reportJson(sim.id())).isEmpty();
    }

    private static final String QUICK = "name: quick\nduration: 1h\ngroups:\n  - {name: a, region: r, zones: [a], desired: 1}\n";

    @Test
    void onlyTheLatestKeepFinishedSimulationsAreKeptWithTheirReports() {
        service = service(new MacaqueConfig.SimulationsConfig(1, 4, null, null, "10m", 2));

        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = service.submit(QUICK, (long) i, OPERATOR, "test").id();
            ids.add(id);
            await().atMost(Duration.ofSeconds(30)).until(() -> service.find(id).orElseThrow().state().equals("COMPLETED"));
        }

        assertThat(service.list()).extracting(TrainingSimulation::id).containsExactly(ids.get(3), ids.get(2));
        assertThat(service.find(ids.get(0))).isEmpty();
        assertThat(service.reportJson(ids.get(1))).isEmpty();
        assertThat(service.reportJson(ids.get(3))).isPresent();
    }

    @Test
    void aSimulationQueuedOrRunningWhenItsNodeStoppedIsFailedWithTheReasonWhenTheNodeStartsAgain() {
        SimulationHistory history = new SimulationHistory(database, "test");
        history.insert(new TrainingSimulation("sim-left", "left", 1, "RUNNING", "trainer", java.time.Instant.parse("2026-01-01T00:00:00Z"),
                null, null, null, null, null, null));
        new SimulationHistory(database, "other-node").insert(new TrainingSimulation("sim-elsewhere", "elsewhere", 1, "RUNNING",
                "trainer", java.time.Instant.parse("2026-01-01T00:00:00Z"), null, null, null, null, null, null));

        service = service(MacaqueConfig.SimulationsConfig.DEFAULT);

        TrainingSimulation left = service.find("sim-left").orElseThrow();
        assertThat(left.state()).isEqualTo("FAILED");
        assertThat(left.error()).contains("the server stopped before it finished");
        assertThat(left.finishedAt()).isNotNull();
        assertThat(service.find("sim-elsewhere").orElseThrow().state()).as("another node's simulation is its own").isEqualTo("RUNNING");
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> databases() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("h2", (java.util.function.Function<Path, MacaqueConfig.DatabaseConfig>)
                        dev.macaque.store.TestDatabases::h2),
                org.junit.jupiter.params.provider.Arguments.of("postgresql", (java.util.function.Function<Path, MacaqueConfig.DatabaseConfig>)
                        d -> dev.macaque.store.TestDatabases.postgres()));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("databases")
    void theHistoryKeepsEachStateWithItsVerdictAndReportsAndPrunesTheOldestFinished(String name,
            java.util.function.Function<Path, MacaqueConfig.DatabaseConfig> config) {
        try (Database db = Database.open(config.apply(dir))) {
            SimulationHistory history = new SimulationHistory(db, "n1");
            java.time.Instant t0 = java.time.Instant.parse("2026-01-01T00:00:00Z");
            history.insert(new TrainingSimulation("sim-a", "a", 1, "QUEUED", "trainer", t0, null, null, null, null, null, null));
            history.insert(new TrainingSimulation("sim-b", "b", 2, "QUEUED", "trainer", t0.plusSeconds(1), null, null, null, null, null, null));
            history.update(new TrainingSimulation("sim-a", "a", 1, "COMPLETED", "trainer", t0, t0.plusSeconds(5), false, null, 4, 1, 2),
                    "{\"r\":1}", "<html>a</html>");

            assertThat(history.find("sim-a").orElseThrow()).isEqualTo(new TrainingSimulation("sim-a", "a", 1, "COMPLETED", "trainer", t0,
                    t0.plusSeconds(5), false, null, 4, 1, 2));
            assertThat(history.find("sim-b").orElseThrow().passed()).isNull();
            assertThat(history.report("sim-a", true)).contains("<html>a</html>");
            assertThat(history.report("sim-b", false)).isEmpty();
            history.prune(1);
            assertThat(history.list(10)).extracting(TrainingSimulation::id).as("the newest is kept, and sim-a is beyond it")
                    .containsExactly("sim-b");
            history.prune(0);
            assertThat(history.list(10)).extracting(TrainingSimulation::id).as("a queued one is never pruned").containsExactly("sim-b");
        }
    }

    @Test
    void simulationsRunOnWorkerThreadsNotOnTheCaller() {
        service = service(MacaqueConfig.SimulationsConfig.DEFAULT);

        TrainingSimulation sim = service.submit("name: quick\nduration: 1h\ngroups:\n  - {name: a, region: r, zones: [a], desired: 1}\n",
                null, OPERATOR, "test");

        assertThat(sim.state()).isEqualTo("QUEUED");
        await().atMost(Duration.ofSeconds(30)).until(() -> service.find(sim.id()).orElseThrow().state().equals("COMPLETED"));
        assertThat(service.find(sim.id()).orElseThrow().passed()).isTrue();
    }
}
