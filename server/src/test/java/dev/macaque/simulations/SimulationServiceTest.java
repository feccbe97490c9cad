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
