package dev.macaque.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.engine.ExperimentRun;
import dev.macaque.engine.ExperimentRunner;
import dev.macaque.engine.ExperimentSpec;
import dev.macaque.engine.ExperimentSpecParser;
import dev.macaque.engine.InMemoryKillHistory;
import dev.macaque.engine.KillSwitch;
import dev.macaque.engine.ProviderDirectory;
import dev.macaque.engine.RetryPolicy;
import dev.macaque.engine.Victim;
import dev.macaque.simulated.SimulatedProvider;
import dev.macaque.simulated.SimulatedWorld;
import dev.macaque.simulated.scenario.ScenarioParser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Predictions pick exactly the victims the real run picks on an unchanged fleet, and say when each group is back. */
class PredictionTest {
    /**
     * The "real" fleet: a world whose members have been replaced before the snapshot (terminate faults in the first
     * half hour), so its instance ids are not the simulated world's {@code <group>-0001}… and the mapping is exercised.
     */
    private static final String REAL_FLEET = """
            name: real
            seed: 99
            duration: 1d
            groups:
              - {name: api, region: us-east-1, zones: [a, b, c], desired: 6, bootTime: 60s, tags: {macaque-enabled: "true", macaque-weight: "3"}}
              - {name: web, region: us-east-1, zones: [a, b], desired: 4, bootTime: 60s, tags: {macaque-enabled: "true"}}
              - {name: db, region: eu-west-1, zones: [a, b], desired: 3, bootTime: 60s, tags: {macaque-enabled: "true"}}
              - {name: batch, region: eu-west-1, zones: [a], desired: 5, bootTime: 60s}
            faults:
              - {terminate: {group: api}, at: 5m}
              - {terminate: {group: api}, at: 10m}
              - {terminate: {group: web}, at: 12m}
              - {terminate: {group: db}, at: 20m}
            """;

    private static final String SPEC = """
            {"name": "predict-me", "selection": {"mode": "count", "value": 4}, "guardrails": {"minHealthyPercent": 60},
             "recovery": {"timeout": "10m", "pollInterval": "15s"}}""";

    private static List<Victim> realRun(SimulatedWorld world, SimulatedProvider provider, ExperimentSpec spec, long seed) {
        ExperimentRunner runner = new ExperimentRunner(ProviderDirectory.of(provider), new WorldTaskScheduler(world),
                new WorldRunRecorder(world, List.of()), KillSwitch.NEVER_ENGAGED, new InMemoryKillHistory(), RetryPolicy.DEFAULT, () -> seed);
        ExperimentRun run = runner.start("real-1", spec);
        world.runFor(Duration.ofMinutes(30));
        return run.result().victims();
    }

    @Test
    void onAnUnchangedFleetThePredictionPicksExactlyTheVictimsOfTheRealRun() throws Exception {
        ExperimentSpec spec = new ExperimentSpecParser().parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(SPEC));
        for (long seed : new long[] {1, 7, 42, 1234, -5}) {
            SimulatedWorld world = SimulatedWorld.of(ScenarioParser.parse(REAL_FLEET, "real.yaml"));
            world.runFor(Duration.ofHours(1));
            SimulatedProvider provider = world.provider("aws-prod");
            FleetSnapshot snapshot = FleetSnapshot.capture(provider, Map.of("api", Duration.ofSeconds(60)), world.now());
            assertThat(snapshot.healthyInstances().get("api")).as("members were replaced before the snapshot")
                    .anyMatch(id -> id.compareTo("api-0006") > 0);

            Prediction prediction = Prediction.predict(snapshot, spec, seed);
            List<Victim> real = realRun(world, provider, spec, seed);

            assertThat(prediction.victims()).as("seed %d", seed).isEqualTo(real).isNotEmpty();
        }
    }

    @Test
    void thePredictionSaysHowLongEachGroupTakesToRecoverAndWhatTheGuardrailsRefuse() throws Exception {
        SimulatedWorld world = SimulatedWorld.of(ScenarioParser.parse(REAL_FLEET, "real.yaml"));
        world.runFor(Duration.ofHours(1));
        FleetSnapshot snapshot = FleetSnapshot.capture(world.provider("aws-prod"), Map.of("db", Duration.ofMinutes(4)), world.now());
        ExperimentSpec spec = new ExperimentSpecParser().parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                {"name": "db-two", "targets": {"groups": ["db"]}, "selection": {"mode": "count", "value": 2},
                 "guardrails": {"minHealthyPercent": 60}, "recovery": {"timeout": "10m"}}"""));

        Prediction prediction = Prediction.predict(snapshot, spec, 3);

        // db has 3: one kill leaves 2 (67% >= 60%), the second would leave 1 (33%): refused.
        assertThat(prediction.victims()).hasSize(2);
        assertThat(prediction.refusals()).singleElement().satisfies(r -> assertThat(r.reason().name()).isEqualTo("MIN_HEALTHY"));
        assertThat(prediction.recoveries()).singleElement().satisfies(g -> {
            assertThat(g.group().toString()).isEqualTo("aws-prod/eu-west-1/db");
            assertThat(g.kills()).isEqualTo(1);
            // the measured boot time of db, with no replacement delay in a snapshot
            assertThat(g.recovery()).contains(Duration.ofMinutes(4));
        });
        assertThat(snapshot.scenario().groups()).filteredOn(g -> g.name().equals("web")).singleElement()
                .satisfies(g -> assertThat(g.bootTime().min()).isEqualTo(FleetSnapshot.DEFAULT_BOOT));
    }

    @Test
    void theSnapshotIsAScenarioFileTheParserReadsBack() {
        SimulatedWorld world = SimulatedWorld.of(ScenarioParser.parse(REAL_FLEET, "real.yaml"));
        FleetSnapshot snapshot = FleetSnapshot.capture(world.provider("sim"), Map.of("api", Duration.ofSeconds(75)), world.now());

        String yaml = snapshot.toYaml(Map.of("api", Duration.ofSeconds(75)));

        var parsed = ScenarioParser.parse(yaml, "fleet.yaml");
        assertThat(parsed.groups()).extracting(g -> g.name()).containsExactly("batch", "db", "api", "web");
        assertThat(parsed.groups().get(2).bootTime().min()).isEqualTo(Duration.ofSeconds(75));
        assertThat(parsed.groups().get(2).tags()).containsEntry("macaque-weight", "3");
        assertThat(yaml).contains("# boot time: default, never measured here");
    }
}
