package dev.macaque.simulate;

import static dev.macaque.simulate.Simulations.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.macaque.simulate.Incident.CauseKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Incidents and their root causes on scenarios whose causes are computed by hand. */
class IncidentTest {
    private static final Duration HOUR = Duration.ofHours(1);

    /**
     * db: 2 × 100 req/s for 150 req/s; api and web call it. The engine kills one db instance at 1h: db is at 100 of
     * 150 req/s until the replacement is healthy 10 s (replacement delay) + 60 s (boot) later, so db, api and web each
     * serve 2/3 of their requests from 1h to 1h + 70 s, and all three incidents point to the kill, through db.
     */
    private static final String CHAIN = """
            name: chain
            seed: 3
            duration: 2h
            groups:
              - {name: web, region: r1, zones: [a, b], desired: 3, bootTime: 60s}
              - {name: api, region: r1, zones: [a, b], desired: 3, bootTime: 60s}
              - {name: db, region: r1, zones: [a, b], desired: 2, bootTime: 60s, replacementDelay: 10s, tags: {macaque-enabled: "true"}}
            services:
              - {name: db, group: db, capacityPerInstance: 100, load: 150}
              - {name: api, group: api, capacityPerInstance: 100, load: 200, dependsOn: [db]}
              - {name: web, group: web, capacityPerInstance: 100, load: 200, dependsOn: [api]}
            chaos:
              - {at: 1h, experiment: {name: kill-db, targets: {groups: [db]}, selection: {mode: count, value: 1}}}
            """;

    @Test
    void aKillOfAnUnderProvisionedDependencyIsTheRootCauseOfEveryCallersIncident() {
        SimulationReport report = run(CHAIN);

        String victim = report.kills().get(0).instance();
        assertThat(report.incidents()).extracting(Incident::service).containsExactly("db", "api", "web");
        assertThat(report.incidents()).extracting(Incident::path)
                .containsExactly(List.of("db"), List.of("db", "api"), List.of("db", "api", "web"));
        assertThat(report.incidents()).allSatisfy(incident -> {
            assertThat(incident.start()).isEqualTo(HOUR);
            assertThat(incident.end()).contains(HOUR.plusSeconds(70));
            assertThat(incident.unservedPercent()).isCloseTo(100.0 / 3, within(1e-9));
            assertThat(incident.rootCause()).hasValueSatisfying(cause -> {
                assertThat(cause.kind()).isEqualTo(CauseKind.ENGINE_KILL);
                assertThat(cause.group()).isEqualTo("db");
                assertThat(cause.instance()).contains(victim);
                assertThat(cause.at()).isEqualTo(HOUR);
                assertThat(cause.lost()).isEqualTo(1);
                assertThat(cause.before()).isEqualTo(2);
            });
        });
        assertThat(report.incidents().get(0).culpritLoad()).isEqualTo(150.0);
        assertThat(report.incidents().get(0).culpritCapacity()).isEqualTo(100.0);
        assertThat(report.incidents().get(0).zones().get("db").values()).containsExactlyInAnyOrder(0, 1);
        assertThat(report.incidents().get(2).zones()).containsOnlyKeys("db", "api", "web");
    }

    @Test
    void theIncidentStoryNamesTheNumbersAndTheCallers() {
        SimulationReport report = run(CHAIN);
        Incident db = report.incidents().get(0);

        String story = ReportText.narrative(report.start(), db, report.incidents().subList(1, 3));

        assertThat(story).isEqualTo("db lost 1 of 2 members at Thu 1 Jan 01:00 UTC (engine kill of " + db.rootCause().orElseThrow()
                .instance().orElseThrow() + "): 100 < 150 req/s → db served 67% until 01:01"
                + " (1 min 10 s); api and web, which depend on db (directly or not), served 67% until 01:01 (1 min 10 s).");
    }

    /**
     * With overloadCrashAfter 30 s and a 50 s boot, the survivor crashes at 1h + 30 s, before the first replacement is
     * healthy (1h + 10 s + 50 s); the survivor's replacement is healthy at 1h + 30 s + 10 s + 50 s = 1h + 90 s, just
     * before the first replacement's own 30 s are up, so db is back then. Served: 100 of 150 req/s for 30 s, nothing
     * for 30 s, 100 of 150 for 30 s: (50 + 150 + 50) × 30 / (150 × 90) = 55.6% unserved. The crash is a secondary
     * effect: the incident points to the kill.
     */
    @Test
    void overloadCrashesCausedByAKillPointToTheKillNotToThemselves() {
        SimulationReport report = run(CHAIN.replace("load: 150}", "load: 150, overloadCrashAfter: 30s}")
                .replace("bootTime: 60s, replacementDelay: 10s", "bootTime: 50s, replacementDelay: 10s"));

        Incident db = report.incidents().get(0);
        assertThat(db.service()).isEqualTo("db");
        assertThat(db.rootCause()).hasValueSatisfying(cause -> {
            assertThat(cause.kind()).isEqualTo(CauseKind.ENGINE_KILL);
            assertThat(cause.at()).isEqualTo(HOUR);
        });
        assertThat(db.firstCrash()).contains(HOUR.plusSeconds(30));
        assertThat(db.crashes()).isEqualTo(1);
        assertThat(db.end()).contains(HOUR.plusSeconds(90));
        assertThat(db.unservedPercent()).isCloseTo(100.0 * 7500 / 13500, within(1e-9));
    }

    /**
     * Zone a goes down at 1h: payments (4 × 100 req/s over a and b, 350 req/s) loses its 2 members there and
     * relaunches both in b after 10 s + 60 s: 200 of 350 req/s for 70 s, 3/7 of the requests unserved.
     */
    @Test
    void aZoneOutageIsTheRootCauseWithTheZonePlacementWhenItBegan() {
        SimulationReport report = run("""
                name: zones
                duration: 3h
                groups:
                  - {name: payments, region: r1, zones: [a, b], desired: 4, bootTime: 60s, replacementDelay: 10s}
                services:
                  - {name: payments, group: payments, capacityPerInstance: 100, load: 350}
                faults:
                  - {zoneOutage: {region: r1, zone: a}, at: 1h, duration: 1h}
                """);

        assertThat(report.incidents()).singleElement().satisfies(incident -> {
            assertThat(incident.start()).isEqualTo(HOUR);
            assertThat(incident.end()).contains(HOUR.plusSeconds(70));
            assertThat(incident.unservedPercent()).isCloseTo(100.0 * 150 / 350, within(1e-9));
            assertThat(incident.rootCause().orElseThrow().kind()).isEqualTo(CauseKind.ZONE_OUTAGE);
            assertThat(incident.rootCause().orElseThrow().lost()).isEqualTo(2);
            assertThat(incident.rootCause().orElseThrow().instance()).as("two were lost: no single instance to name").isEmpty();
            assertThat(incident.culpritCapacity()).as("what the outage left: 2 × 100 req/s").isEqualTo(200.0);
            assertThat(incident.zones()).isEqualTo(Map.of("payments", Map.of("a", 0, "b", 2)));
        });
    }

    /**
     * api: 3 × 100 req/s for 150 req/s; no launch succeeds from 50m to 3h. A terminate fault at 1h is harmless
     * (200 req/s), but its replacement cannot launch, so the second one at 1h30m leaves 100 req/s: the shortfall is
     * the capacity error's doing. Both replacements launch at 3h and are healthy at 3h + 60 s.
     */
    @Test
    void aShortfallThatBeginsWhileReplacementsCannotLaunchIsTheLaunchCapacityErrorsDoing() {
        SimulationReport report = run("""
                name: capacity
                duration: 4h
                groups:
                  - {name: api, region: r1, zones: [a, b], desired: 3, bootTime: 60s, replacementDelay: 10s}
                services:
                  - {name: api, group: api, capacityPerInstance: 100, load: 150}
                faults:
                  - {launchCapacityError: {group: api}, at: 50m, duration: 130m}
                  - {terminate: {group: api}, at: 1h}
                  - {terminate: {group: api}, at: 90m}
                """);

        assertThat(report.incidents()).singleElement().satisfies(incident -> {
            assertThat(incident.start()).isEqualTo(Duration.ofMinutes(90));
            assertThat(incident.end()).contains(Duration.ofHours(3).plusSeconds(60));
            assertThat(incident.unservedPercent()).isCloseTo(100.0 / 3, within(1e-9));
            assertThat(incident.rootCause()).hasValueSatisfying(cause -> {
                assertThat(cause.kind()).isEqualTo(CauseKind.LAUNCH_CAPACITY_ERROR);
                assertThat(cause.at()).isEqualTo(HOUR.plusSeconds(10));
            });
        });
    }

    @Test
    void aTerminateFaultThatCausesAShortfallIsNamedAsSuch() {
        SimulationReport report = run("""
                name: fault
                duration: 2h
                groups:
                  - {name: api, region: r1, zones: [a, b], desired: 2, bootTime: 60s, replacementDelay: 10s}
                services:
                  - {name: api, group: api, capacityPerInstance: 100, load: 150}
                faults:
                  - {terminate: {group: api}, at: 1h}
                """);

        assertThat(report.incidents()).singleElement().satisfies(incident -> {
            assertThat(incident.rootCause().orElseThrow().kind()).isEqualTo(CauseKind.FAULT_TERMINATE);
            assertThat(incident.end()).contains(HOUR.plusSeconds(70));
        });
    }

    @Test
    void aLoadAboveFullCapacityWithNoLossHasNoRootCause() {
        SimulationReport report = run("""
                name: peak
                duration: 1d
                groups:
                  - {name: api, region: r1, zones: [a], desired: 1, bootTime: 60s}
                services:
                  - {name: api, group: api, capacityPerInstance: 100, load: {base: 0, peak: 200, peakAt: 12h}}
                """);

        assertThat(report.incidents()).singleElement().satisfies(incident -> {
            assertThat(incident.rootCause()).isEmpty();
            assertThat(incident.start()).isEqualTo(Duration.ofHours(6));
        });
        assertThat(ReportJson.write(report)).contains("\"rootCause\":null", "the load exceeded the full capacity of api");
    }

    @Test
    void reportJsonListsEachIncidentWithItsCauseAndPath() {
        String json = ReportJson.write(run(CHAIN)).replaceAll("\\s", "");

        assertThat(json).contains("{\"service\":\"db\",\"start\":\"2026-01-01T01:00:00Z\",\"end\":\"2026-01-01T01:01:10Z\","
                + "\"unservedPercent\":33.3333333333333,\"rootCause\":{\"kind\":\"engine-kill\",\"group\":\"db\",\"instance\":\"db-");
        assertThat(json).contains("\"path\":[\"db\",\"api\"]", "\"path\":[\"db\",\"api\",\"web\"]");
    }
}
