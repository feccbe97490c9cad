package dev.macaque.simulate;

import static dev.macaque.simulate.Simulations.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.simulate.Incident.CauseKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A scenario's {@code chaos:} entry with {@code mode: zone}, through the engine in virtual time. */
class ZoneOutageSimulationTest {
    private static final Duration HOUR = Duration.ofHours(1);

    /**
     * api: 4 over a, b (a, b, a, b), 100 req/s each, load 300: losing zone a's 2 leaves 200 of 300 req/s until the
     * replacements are healthy (10 s + 60 s). solo: both members in a: the outage spares it (single-zone).
     */
    private static final String SCENARIO = """
            name: lose-zone-a
            seed: 5
            duration: 2h
            groups:
              - {name: api, region: r1, zones: [a, b], desired: 4, bootTime: 60s, replacementDelay: 10s, tags: {macaque-enabled: "true"}}
              - {name: solo, region: r1, zones: [a], desired: 2, bootTime: 60s, tags: {macaque-enabled: "true"}}
            services:
              - {name: api, group: api, capacityPerInstance: 100, load: 300}
            chaos:
              - {at: 1h, experiment: {name: gorilla, selection: {mode: zone, zone: a}, guardrails: {minHealthyPercent: 50}}}
            """;

    @Test
    void theOutageKillsTheZoneTogetherItsIncidentNamesItAndTheReportSaysWhichGroupsItRefused() throws Exception {
        SimulationReport report = run(SCENARIO);

        assertThat(report.kills()).extracting(KillRecord::group).containsExactly("api", "api");
        assertThat(report.kills()).allSatisfy(k -> assertThat(k.at()).isEqualTo(HOUR));
        assertThat(report.incidents()).singleElement().satisfies(incident -> {
            assertThat(incident.service()).isEqualTo("api");
            assertThat(incident.rootCause()).hasValueSatisfying(cause -> {
                assertThat(cause.kind()).isEqualTo(CauseKind.ENGINE_ZONE_KILL);
                assertThat(cause.kind().wireName()).isEqualTo("engine-zone-kill");
                assertThat(cause.lost()).isEqualTo(2);
                assertThat(cause.before()).isEqualTo(4);
            });
            assertThat(incident.end()).contains(HOUR.plusSeconds(70));
        });
        assertThat(report.runs()).singleElement().satisfies(run -> {
            assertThat(run.zone()).isEqualTo("a");
            assertThat(run.zoneRefusals()).singleElement().satisfies(refusal -> assertThat(refusal)
                    .startsWith("solo: LAST_HEALTHY_INSTANCE (single-zone group: a real outage of this zone takes it to zero"));
        });
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(ReportJson.write(report));
        assertThat(json.toString()).contains("\"kind\":\"engine-zone-kill\"");
        assertThat(json.at("/runs/0/zone").asText()).isEqualTo("a");
        assertThat(json.at("/runs/0/zoneRefusals/0").asText()).startsWith("solo: LAST_HEALTHY_INSTANCE");
    }

    /**
     * Three groups lose a random zone together (their batch calls go out side by side on the real scheduler): in
     * virtual time the calls run in plan order, so the same seed gives the same report, byte for byte.
     */
    private static final String THREE_GROUPS = """
            name: lose-a-zone
            seed: 11
            duration: 2h
            groups:
              - {name: api, region: r1, zones: [a, b], desired: 4, bootTime: 60s, replacementDelay: 10s, tags: {macaque-enabled: "true"}}
              - {name: web, region: r1, zones: [a, b], desired: 4, bootTime: 30s, replacementDelay: 5s, tags: {macaque-enabled: "true"}}
              - {name: jobs, region: r1, zones: [a, b], desired: 2, bootTime: 90s, tags: {macaque-enabled: "true"}}
            services:
              - {name: api, group: api, capacityPerInstance: 100, load: 300}
            chaos:
              - {at: 1h, experiment: {name: gorilla, selection: {mode: zone, zone: random}, guardrails: {minHealthyPercent: 50}}}
            """;

    @Test
    void theSameSeedGivesTheSameReportByteForByteWithSeveralGroupsCalledAtOnce() throws Exception {
        String first = ReportJson.write(run(THREE_GROUPS, 11L));
        String again = ReportJson.write(run(THREE_GROUPS, 11L));
        assertThat(again).isEqualTo(first);
        SimulationReport report = run(THREE_GROUPS, 11L);
        // every group keeps half of its members: api 2, web 2 and jobs 1 killed at the hour, in plan order
        assertThat(report.kills()).extracting(KillRecord::group).containsExactly("api", "api", "jobs", "web", "web");
        assertThat(report.kills()).allSatisfy(k -> assertThat(k.at()).isEqualTo(HOUR));
    }
}
