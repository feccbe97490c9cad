package dev.macaque.simulate;

import dev.macaque.engine.ExperimentSpec;
import dev.macaque.engine.Refusal;
import dev.macaque.engine.RunResult;
import dev.macaque.engine.Victim;
import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.spi.GroupRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Predict before you kill: runs an experiment spec in virtual time against a {@link FleetSnapshot} with the seed the
 * real run will use. The engine is the same code the server runs, with the same seed and the same group and instance
 * order, so on an unchanged fleet it picks the same victims; the world then says how long each group takes to recover
 * (its boot time as the snapshot knows it).
 *
 * @param victims    the instances the run would pick, with their real ids, in kill order
 * @param refusals   the kills a guardrail would refuse, real ids
 * @param recoveries per group killed in, the predicted time to recover (empty when not within the simulated window)
 * @param caveats    why the prediction may differ from what happens (from the snapshot)
 */
public record Prediction(List<Victim> victims, List<Refusal> refusals, List<GroupRecoveryPrediction> recoveries,
                         List<String> caveats) {
    public Prediction {
        victims = List.copyOf(victims);
        refusals = List.copyOf(refusals);
        recoveries = List.copyOf(recoveries);
        caveats = List.copyOf(caveats);
    }

    /** @param recovery from the first kill in the group until it is back at its healthy count */
    public record GroupRecoveryPrediction(GroupRef group, int kills, Optional<Duration> recovery) {
        public GroupRecoveryPrediction {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(recovery, "recovery");
        }
    }

    /** Runs {@code spec} with {@code seed} against {@code snapshot}; at most the recovery timeout plus an hour of virtual time. */
    public static Prediction predict(FleetSnapshot snapshot, ExperimentSpec spec, long seed) {
        Scenario fleet = snapshot.scenario();
        Duration window = spec.recovery().timeout().plusHours(1);
        Scenario scenario = new Scenario(fleet.name(), seed, window, fleet.groups(), fleet.services(), List.of(), List.of(),
                List.of(), fleet.source());
        SimulationInput input = new SimulationInput(scenario,
                List.of(new ChaosAction.OneShot(0, 0, Duration.ZERO, spec.withSeed(seed))), List.of());
        Simulation simulation = new Simulation(input, List.of(), snapshot.providerId(), true);
        SimulationReport report = simulation.run(Simulation.ProgressListener.NONE);
        RunResult result = simulation.runResults().get(0);
        Map<String, GroupSpec> groups = new LinkedHashMap<>();
        fleet.groups().forEach(g -> groups.put(g.name(), g));
        List<Victim> victims = result.victims().stream().map(v -> new Victim(v.group(), realId(snapshot, v.group(), v.instanceId()))).toList();
        List<Refusal> refusals = result.refusals().stream().map(r -> new Refusal(r.group(), realId(snapshot, r.group(), r.instanceId()),
                r.reason(), r.message(), r.at())).toList();
        List<GroupRecoveryPrediction> recoveries = new ArrayList<>();
        Map<String, List<KillRecord>> byGroup = new LinkedHashMap<>();
        report.kills().forEach(k -> byGroup.computeIfAbsent(k.group(), g -> new ArrayList<>()).add(k));
        byGroup.forEach((name, kills) -> {
            GroupSpec spec1 = groups.get(name);
            Duration first = kills.get(0).at();
            Optional<Duration> back = kills.stream().map(KillRecord::recoveredAt).allMatch(Optional::isPresent)
                    ? kills.stream().map(k -> k.recoveredAt().orElseThrow()).max(Duration::compareTo).map(r -> r.minus(first))
                    : Optional.empty();
            recoveries.add(new GroupRecoveryPrediction(new GroupRef(snapshot.providerId(), spec1.region(), name), kills.size(), back));
        });
        return new Prediction(victims, refusals, recoveries, snapshot.caveats());
    }

    /** The world names its initial members {@code <group>-0001}… in the order the snapshot kept the real ones. */
    private static String realId(FleetSnapshot snapshot, GroupRef group, String worldId) {
        List<String> real = snapshot.healthyInstances().get(group.name());
        int dash = worldId.lastIndexOf('-');
        try {
            int index = Integer.parseInt(worldId.substring(dash + 1)) - 1;
            if (real != null && index >= 0 && index < real.size()) {
                return real.get(index);
            }
        } catch (NumberFormatException e) {
            // fall through: not one of the initial members
        }
        return worldId;
    }
}
