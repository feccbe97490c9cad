package dev.macaque.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.engine.ExperimentSpec.Guardrails;
import dev.macaque.simulate.ZoneReadiness.GroupInZone;
import dev.macaque.simulate.ZoneReadiness.Verdict;
import dev.macaque.simulate.ZoneReadiness.Zone;
import dev.macaque.simulated.SimulatedWorld;
import dev.macaque.simulated.scenario.ScenarioParser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Zone readiness against answers counted by hand from the world below. */
class ZoneReadinessTest {
    /**
     * The world fills the emptiest zone first (the first on ties): api a,b,c,a,b,c; solo a,a; tight a,b,a; web a,b,c
     * (not opted in); db a,b in eu-west-1.
     */
    private static final String FLEET = """
            name: zones
            seed: 3
            duration: 1d
            groups:
              - {name: api, region: us-east-1, zones: [a, b, c], desired: 6, bootTime: 60s, tags: {macaque-enabled: "true"}}
              - {name: solo, region: us-east-1, zones: [a], desired: 2, bootTime: 60s, tags: {macaque-enabled: "true"}}
              - {name: tight, region: us-east-1, zones: [a, b], desired: 3, bootTime: 60s, tags: {macaque-enabled: "true"}}
              - {name: web, region: us-east-1, zones: [a, b, c], desired: 3, bootTime: 60s}
              - {name: db, region: eu-west-1, zones: [a, b], desired: 2, bootTime: 60s, tags: {macaque-enabled: "true"}}
            """;

    private static ZoneReadiness readiness() {
        SimulatedWorld world = SimulatedWorld.of(ScenarioParser.parse(FLEET, "zones.yaml"));
        world.runFor(Duration.ofMinutes(5));
        // api's boot time was measured here (60s); the others take the default (90s)
        FleetSnapshot snapshot = FleetSnapshot.capture(world.provider("sim"), Map.of("api", Duration.ofSeconds(60)), world.now());
        return ZoneReadiness.assess(snapshot, Guardrails.DEFAULTS);
    }

    private static String line(GroupInZone g) {
        return g.group().name() + " " + g.inZone() + "/" + g.healthy() + "->" + g.healthyAfter() + " " + g.verdict()
                + (g.predictedRecovery() == null ? "" : " " + g.predictedRecovery().toSeconds() + "s");
    }

    @Test
    void everyZoneSaysWhatItsOutageWouldDoToEachGroupItHosts() {
        ZoneReadiness readiness = readiness();

        assertThat(readiness.zones()).extracting(z -> z.region() + "/" + z.zone() + ":" + z.members()).containsExactly(
                "eu-west-1/a:1", "eu-west-1/b:1", "us-east-1/a:7", "us-east-1/b:4", "us-east-1/c:3");
        Zone a = readiness.zones().get(2);
        // solo has both members in a: single-zone; tight keeps 1 of 3, 50% needs 2; api keeps 4 of 6 and recovers in its
        // measured boot time (the snapshot's groups relaunch at once); web did not opt in
        assertThat(a.groups()).extracting(ZoneReadinessTest::line).containsExactly(
                "api 2/6->4 RECOVERS 60s", "solo 2/2->0 SINGLE_ZONE", "tight 2/3->1 BELOW_MINIMUM", "web 1/3->2 NOT_OPTED_IN");
        assertThat(a.groups().get(1).detail()).startsWith("single-zone group: a real outage of this zone takes it to zero");
        assertThat(a.groups().get(2).detail()).contains("minHealthyPercent=50% (2)");
        assertThat(a.count(Verdict.SINGLE_ZONE)).isEqualTo(1);
        // zone b: tight keeps 2 of 3 (enough) and takes the default 90s boot time to come back
        assertThat(readiness.zones().get(3).groups()).extracting(ZoneReadinessTest::line).containsExactly(
                "api 2/6->4 RECOVERS 60s", "tight 1/3->2 RECOVERS 90s", "web 1/3->2 NOT_OPTED_IN");
        assertThat(readiness.zones().get(0).groups()).extracting(ZoneReadinessTest::line).containsExactly(
                "db 1/2->1 RECOVERS 90s");
    }

    @Test
    void stricterGuardrailsTurnRecoveriesIntoRefusals() {
        SimulatedWorld world = SimulatedWorld.of(ScenarioParser.parse(FLEET, "zones.yaml"));
        world.runFor(Duration.ofMinutes(5));
        FleetSnapshot snapshot = FleetSnapshot.capture(world.provider("sim"), Map.of(), world.now());
        // 80% of 6 is 5 (rounded up): api keeps 4 without any one zone
        ZoneReadiness strict = ZoneReadiness.assess(snapshot, new Guardrails(80, 1, 10, Duration.ZERO));
        assertThat(strict.zones()).flatExtracting(Zone::groups).filteredOn(g -> g.group().name().equals("api"))
                .extracting(GroupInZone::verdict).containsOnly(Verdict.BELOW_MINIMUM).hasSize(3);
        assertThat(strict.guardrails().minHealthyPercent()).isEqualTo(80);
        assertThat(List.copyOf(strict.caveats())).isEqualTo(snapshot.caveats());
    }
}
