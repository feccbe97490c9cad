package dev.macaque.simulate;

import static dev.macaque.simulate.Simulations.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.macaque.simulate.Incident.Cause;
import dev.macaque.simulate.Incident.CauseKind;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Causes from the model's own formula, {@code ratio(s) = min(1, capacity(s) / load(s)) × Π ratio(d)}, on scenarios
 * where several things go wrong at once, each computed by hand.
 */
class AttributionTest {
    private static final Duration HOUR = Duration.ofHours(1);

    /**
     * web → api → db, db in zone a only. Zone a goes down at 1h for 30 min: db loses both members (600 → 0 req/s for
     * 300: factor 0), api 2 of 4 (400 → 200 for 300: factor 2/3), web 2 of 4 (800 → 400 for 300: factor 1, still
     * enough). The outage lowered db's factor most: it is the root cause of all three incidents through db, and web's
     * own loss, which never left web short, is no cause.
     */
    private static final String THREE_TIER = """
            name: three-tier
            duration: 4h
            groups:
              - {name: web, region: r1, zones: [a, b], desired: 4, bootTime: 60s}
              - {name: api, region: r1, zones: [a, b], desired: 4, bootTime: 60s}
              - {name: db, region: r1, zones: [a], desired: 2, bootTime: 60s}
            services:
              - {name: db, group: db, capacityPerInstance: 300, load: 300}
              - {name: api, group: api, capacityPerInstance: 100, load: 300, dependsOn: [db]}
              - {name: web, group: web, capacityPerInstance: 200, load: 300, dependsOn: [api]}
            faults:
              - {zoneOutage: {region: r1, zone: a}, at: 1h, duration: 30m}
            """;

    @Test
    void aZoneOutageThatTakesASingleZoneDependencyDownIsBlamedOnThatDependencyAllTheWayUp() {
        SimulationReport report = run(THREE_TIER);

        assertThat(report.incidents()).extracting(Incident::service).containsExactly("db", "api", "web");
        assertThat(report.incidents()).extracting(Incident::path)
                .containsExactly(List.of("db"), List.of("db", "api"), List.of("db", "api", "web"));
        assertThat(report.incidents()).allSatisfy(incident -> {
            assertThat(incident.start()).isEqualTo(HOUR);
            assertThat(incident.rootCause()).hasValueSatisfying(cause -> {
                assertThat(cause.kind()).isEqualTo(CauseKind.ZONE_OUTAGE);
                assertThat(cause.group()).isEqualTo("db");
                assertThat(cause.at()).isEqualTo(HOUR);
                assertThat(cause.lost()).isEqualTo(2);
                assertThat(cause.before()).isEqualTo(2);
                assertThat(cause.instance()).isEmpty();
            });
            assertThat(incident.culpritCapacity()).isZero();
            assertThat(incident.culpritLoad()).isEqualTo(300.0);
            // db serves nothing until it is back, so nobody above it does either
            assertThat(incident.unservedPercent()).isCloseTo(100, within(1e-9));
        });
        Incident db = report.incidents().get(0);
        assertThat(db.causes()).containsExactly(cause(CauseKind.ZONE_OUTAGE, "db", "db", 600, 0, 300, 2));
        List<Cause> throughApi = List.of(cause(CauseKind.ZONE_OUTAGE, "db", "db", 600, 0, 300, 2),
                cause(CauseKind.ZONE_OUTAGE, "api", "api", 400, 200, 300, 2));
        assertThat(report.incidents().get(1).causes()).isEqualTo(throughApi);
        assertThat(report.incidents().get(2).causes()).as("web's own loss left web's factor at 1").isEqualTo(throughApi);
        String json = ReportJson.write(report).replaceAll("\\s", "");
        assertThat(json).contains("\"path\":[\"db\",\"api\",\"web\"],\"causes\":[{\"kind\":\"zone-outage\",\"group\":\"db\","
                + "\"at\":\"2026-01-01T01:00:00Z\",\"service\":\"db\",\"capacityBefore\":600,\"capacityAfter\":0,\"load\":300,"
                + "\"lost\":2},{\"kind\":\"zone-outage\",\"group\":\"api\",\"at\":\"2026-01-01T01:00:00Z\",\"service\":\"api\","
                + "\"capacityBefore\":400,\"capacityAfter\":200,\"load\":300,\"lost\":2}]");
    }

    private static final String PACED = """
            name: paced
            duration: 2h
            groups:
              - {name: web, region: r1, zones: [a, b], desired: 4, bootTime: 10m, tags: {macaque-enabled: "true"}}
            services:
              - {name: web, group: web, capacityPerInstance: 200, load: 539}
            chaos:
              - at: 10m
                experiment:
                  name: two-kills
                  targets: {groups: [web]}
                  selection: {mode: count, value: 2}
                  guardrails: {minHealthyPercent: 25}
                  pacing: {between: 2m}
            """;

    /**
     * web: 4 × 200 req/s for 539. Two paced kills: the first at 10m leaves 600 (still enough), the second at 12m 400,
     * and web is short from 12m until the first replacement is healthy at 10m + 10 s + 10 min: it serves 400/539 of
     * its requests. The second kill turned the ratio below 1, and both are causes.
     */
    @Test
    void ofTwoPacedKillsTheOneThatCrossesCapacityIsTheRootCauseAndBothAreCauses() {
        SimulationReport report = run(PACED);

        assertThat(report.kills()).hasSize(2);
        Duration first = Duration.ofMinutes(10);
        Duration second = Duration.ofMinutes(12);
        assertThat(report.kills()).extracting(KillRecord::at).containsExactly(first, second);
        assertThat(report.incidents()).singleElement().satisfies(incident -> {
            assertThat(incident.start()).isEqualTo(second);
            assertThat(incident.end()).contains(first.plusSeconds(10).plusMinutes(10));
            assertThat(incident.unservedPercent()).isCloseTo(100.0 * 139 / 539, within(1e-9));
            assertThat(incident.rootCause()).hasValueSatisfying(cause -> {
                assertThat(cause.kind()).isEqualTo(CauseKind.ENGINE_KILL);
                assertThat(cause.at()).isEqualTo(second);
                assertThat(cause.instance()).contains(report.kills().get(1).instance());
                assertThat(cause.before()).isEqualTo(3);
            });
            assertThat(incident.culpritCapacity()).isEqualTo(400.0);
            assertThat(incident.culpritLoad()).isEqualTo(539.0);
            assertThat(incident.causes()).extracting(Cause::at, Cause::capacityBefore, Cause::capacityAfter, Cause::load)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(first, 800.0, 600.0, 539.0),
                            org.assertj.core.groups.Tuple.tuple(second, 600.0, 400.0, 539.0));
            assertThat(incident.causes()).extracting(c -> c.instance().orElseThrow())
                    .containsExactly(report.kills().get(0).instance(), report.kills().get(1).instance());
        });
    }

    /**
     * checkout: 6 × 100 req/s over a, b and c for 450. A kill at 1h leaves 500 (still enough); zone a goes down at
     * 1h02, before the replacement is healthy (1h + 10 s + 3 min), and takes what is healthy there: capacity falls
     * below 450. The outage turned the ratio below 1: it is the root cause; the kill is a cause too.
     */
    @Test
    void aKillFollowedByAZoneOutageIsTheOutagesDoing() {
        SimulationReport report = run("""
                name: kill-then-outage
                duration: 3h
                groups:
                  - {name: checkout, region: r1, zones: [a, b, c], desired: 6, bootTime: 3m, tags: {macaque-enabled: "true"}}
                services:
                  - {name: checkout, group: checkout, capacityPerInstance: 100, load: 450}
                faults:
                  - {zoneOutage: {region: r1, zone: a}, at: 62m, duration: 1h}
                chaos:
                  - {at: 1h, experiment: {name: kill-one, targets: {groups: [checkout]}, selection: {mode: count, value: 1}}}
                """);

        Duration outage = Duration.ofMinutes(62);
        assertThat(report.incidents()).singleElement().satisfies(incident -> {
            assertThat(incident.start()).isEqualTo(outage);
            assertThat(incident.rootCause()).hasValueSatisfying(cause -> {
                assertThat(cause.kind()).isEqualTo(CauseKind.ZONE_OUTAGE);
                assertThat(cause.at()).isEqualTo(outage);
            });
            assertThat(incident.causes()).extracting(Cause::kind, Cause::at).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(CauseKind.ENGINE_KILL, HOUR),
                    org.assertj.core.groups.Tuple.tuple(CauseKind.ZONE_OUTAGE, outage));
            assertThat(incident.causes().get(0).capacityAfter()).isEqualTo(500.0);
            assertThat(incident.causes().get(1).capacityBefore()).isEqualTo(500.0);
            assertThat(incident.causes().get(1).capacityAfter()).isLessThan(450.0);
        });
    }

    /**
     * A loss that was recovered before anything became short is no cause: a kill at 1h is replaced at 1h + 70 s; a
     * terminate fault at 2h leaves the service short alone.
     */
    @Test
    void aRecoveredLossIsNoCause() {
        SimulationReport report = run("""
                name: recovered
                duration: 3h
                groups:
                  - {name: api, region: r1, zones: [a, b], desired: 2, bootTime: 60s, tags: {macaque-enabled: "true"}}
                services:
                  - {name: api, group: api, capacityPerInstance: 100, load: 150}
                faults:
                  - {terminate: {group: api}, at: 2h}
                chaos:
                  - {at: 1h, experiment: {name: kill-one, targets: {groups: [api]}, selection: {mode: count, value: 1}}}
                """);

        assertThat(report.incidents()).hasSize(2);
        Incident second = report.incidents().get(1);
        assertThat(second.start()).isEqualTo(Duration.ofHours(2));
        assertThat(second.causes()).singleElement().satisfies(cause -> {
            assertThat(cause.kind()).isEqualTo(CauseKind.FAULT_TERMINATE);
            assertThat(cause.capacityAfter()).isEqualTo(100.0);
        });
    }

    @Test
    void theStoryOfPacedKillsTellsEachLossWithTheCapacityItLeftAgainstTheLoad() {
        SimulationReport report = run(PACED);
        Incident web = report.incidents().get(0);

        assertThat(ReportText.narrative(report.start(), web, List.of())).isEqualTo("web lost 1 of 4 members at Thu 1 Jan 00:10 UTC"
                + " (engine kill of " + report.kills().get(0).instance() + "): 600 ≥ 539 req/s, still enough; then 1 more at 00:12"
                + " (engine kill of " + report.kills().get(1).instance() + "): 400 < 539 req/s → web served 74% until 00:20"
                + " (8 min 10 s).");
    }

    @Test
    void theStoryOfTheThreeTierOutageStartsAtDbAndNamesApisOwnShare() {
        SimulationReport report = run(THREE_TIER);
        List<ReportText.IncidentStory> stories = ReportText.stories(report.incidents());

        assertThat(stories).singleElement().satisfies(story -> {
            assertThat(story.culprit().service()).isEqualTo("db");
            String until = report.incidents().get(0).end().map(e -> " until " + java.time.LocalTime.MIDNIGHT.plus(e)
                    .toString() + " (" + ReportText.duration(e.minus(HOUR)) + ")").orElseThrow();
            assertThat(ReportText.narrative(report.start(), story.culprit(), story.dependents())).isEqualTo(
                    "db lost 2 of 2 members at Thu 1 Jan 01:00 UTC (zone outage): 0 < 300 req/s → db served 0%" + until
                            + "; web, which depends on db through api, served 0%" + until
                            + "; api served 0%" + until + ": db served 0% of its calls, and api's own capacity fell too: lost 2"
                            + " of 4 members at Thu 1 Jan 01:00 UTC (zone outage): 200 < 300 req/s, 67% of its load.");
        });
    }

    @Test
    void aSharePrintedNeverHidesALossOrAService() {
        assertThat(ReportText.servedShare(0)).isEqualTo("100%");
        assertThat(ReportText.servedShare(0.03)).isEqualTo(">99.9% (<0.1% unserved)");
        assertThat(ReportText.servedShare(0.3)).isEqualTo("99.7%");
        assertThat(ReportText.servedShare(100.0 * 139 / 539)).isEqualTo("74%");
        assertThat(ReportText.servedShare(99.7)).isEqualTo("0.3%");
        assertThat(ReportText.servedShare(99.97)).isEqualTo("<0.1%");
        assertThat(ReportText.servedShare(100)).isEqualTo("0%");
    }

    private static Cause cause(CauseKind kind, String group, String service, double before, double after, double load, int lost) {
        return new Cause(kind, group, java.util.Optional.empty(), HOUR, service, before, after, load, lost,
                (int) Math.round(before / (service.equals("db") ? 300 : 100)));
    }
}
