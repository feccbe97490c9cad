package dev.macaque.benchmarks.selection;

import dev.macaque.engine.ExperimentSpec.Guardrails;
import dev.macaque.engine.ExperimentSpec.Selection;
import dev.macaque.engine.ExperimentSpec.Targets;
import dev.macaque.engine.FleetGroup;
import dev.macaque.engine.GuardrailCheck;
import dev.macaque.engine.IndexedFleet;
import dev.macaque.engine.InMemoryKillHistory;
import dev.macaque.engine.KillSwitch;
import dev.macaque.engine.Victim;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Victim selection over a fleet snapshot: {@link #select} is the engine's path over the snapshot's index,
 * {@link #selectList} the same over the plain list (filter by region, tag and opt-in,
 * weights, {@code k} weighted draws, guardrails on each victim). Baselines in the same run: {@link #floor}, one pass
 * reading each group's opt-in flag and weight (no selection can do less), and {@link #naive}, a linear scan over
 * cumulative weights per draw. Report allocation with {@code -prof gc} ({@code gc.alloc.rate.norm}, bytes per op).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class TargetSelectionBenchmark {
    public static final long SEED = 20_260_101L;
    public static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    /** Defaults, with a 1 h minimum between kills (so every victim's kill history is read) and no cap on kills. */
    public static final Guardrails LIMITS = new Guardrails(Guardrails.DEFAULT_MIN_HEALTHY_PERCENT,
            Guardrails.DEFAULT_MIN_HEALTHY_INSTANCES, Integer.MAX_VALUE, Duration.ofHours(1));

    @State(Scope.Benchmark)
    public static class Snapshot {
        @Param({"1000", "100000", "1000000"})
        public int groups;

        @Param({"10"})
        public int instancesPerGroup;

        public List<FleetGroup> fleet;
        public IndexedFleet index;
        public GuardedSelection engine;

        @Setup(Level.Trial)
        public void build() {
            fleet = FleetSnapshots.snapshot(SEED, groups, instancesPerGroup);
            index = IndexedFleet.of(fleet);
            engine = new GuardedSelection(new GuardrailCheck(KillSwitch.NEVER_ENGAGED, new InMemoryKillHistory()), fleet);
        }
    }

    @State(Scope.Benchmark)
    public static class Draws {
        @Param({"1", "100", "10000"})
        public int k;

        public Selection selection;

        @Setup(Level.Trial)
        public void build() {
            selection = Selection.count(k);
        }
    }

    /**
     * Which target filter {@link #select} applies: {@code regionAndTag} ({@link FleetSnapshots#TARGETS}, the case the
     * targets are about) or {@code none} ({@link Targets#ANY}; opt-in, weight and health only), which separates the
     * cost of the filter from the cost of selecting.
     */
    @State(Scope.Benchmark)
    public static class Filter {
        @Param({"regionAndTag", "none"})
        public String targets;

        public Targets value;

        @Setup(Level.Trial)
        public void build() {
            value = switch (targets) {
                case "regionAndTag" -> FleetSnapshots.TARGETS;
                case "none" -> Targets.ANY;
                default -> throw new IllegalArgumentException("targets must be regionAndTag or none, was " + targets);
            };
        }
    }

    /** The engine's path over the snapshot's {@link IndexedFleet} (built with the snapshot in setup, as discovery would). */
    @Benchmark
    public List<Victim> select(Snapshot snapshot, Draws draws, Filter filter) {
        return snapshot.engine.victims(snapshot.index, filter.value, draws.selection, LIMITS, new SplittableRandom(SEED), NOW);
    }

    /** The same over the plain list (what a run that selects once from a fresh snapshot does): same victims. */
    @Benchmark
    public List<Victim> selectList(Snapshot snapshot, Draws draws, Filter filter) {
        return snapshot.engine.victims(snapshot.fleet, filter.value, draws.selection, LIMITS, new SplittableRandom(SEED), NOW);
    }

    /** What the index costs to build, once per snapshot: compare with {@code floor} (one pass over the list). */
    @Benchmark
    public IndexedFleet indexBuild(Snapshot snapshot) {
        return IndexedFleet.of(snapshot.fleet);
    }

    @Benchmark
    public long floor(Snapshot snapshot) {
        List<FleetGroup> fleet = snapshot.fleet;
        long weight = 0;
        for (int i = 0; i < fleet.size(); i++) {
            FleetGroup group = fleet.get(i);
            if (group.optedIn()) {
                weight += group.weight();
            }
        }
        return weight;
    }

    /** Always with the region-and-tag filter: compare with {@code select} at {@code targets=regionAndTag}. */
    @Benchmark
    public List<Victim> naive(Snapshot snapshot, Draws draws) {
        return NaiveWeightedSelection.select(snapshot.fleet, FleetSnapshots.TARGETS, draws.k, new SplittableRandom(SEED));
    }
}
