package dev.macaque.benchmarks.recovery;

import dev.macaque.benchmarks.world.EngineInWorld;
import dev.macaque.benchmarks.world.Fleets;
import dev.macaque.engine.ExperimentSpec;
import dev.macaque.engine.ExperimentSpec.Guardrails;
import dev.macaque.engine.ExperimentSpec.Recovery;
import dev.macaque.engine.ExperimentSpec.Selection;
import dev.macaque.engine.ExperimentSpec.Targets;
import dev.macaque.engine.RunResult;
import dev.macaque.simulated.SimulatedWorld;
import java.util.ArrayList;
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
 * Complete experiment runs per second (wall clock; the runs themselves take simulated minutes of virtual time)
 * against a simulated world: discover every group, select {@code kills} victims, check guardrails, kill, and poll
 * health until every affected group is back. Baseline in the same run: {@link #worldOnly}, the same number of kills
 * made directly in the world and stepped until the groups are back, with no engine: the world's own share of a run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RecoveryVerificationBenchmark {
    public static final long SEED = 11L;

    @State(Scope.Benchmark)
    public static class World {
        @Param({"1000"})
        public int groups;

        @Param({"1", "10"})
        public int kills;

        public EngineInWorld engine;
        public ExperimentSpec spec;
        public SplittableRandom random;
        private long runs;

        @Setup(Level.Trial)
        public void build() {
            engine = new EngineInWorld(Fleets.world(SEED, groups, 10, 4), SEED);
            spec = new ExperimentSpec("recovery", Targets.ANY, Selection.count(kills),
                    new Guardrails(Guardrails.DEFAULT_MIN_HEALTHY_PERCENT, Guardrails.DEFAULT_MIN_HEALTHY_INSTANCES, kills,
                            java.time.Duration.ZERO),
                    Recovery.DEFAULTS, false, null);
            random = new SplittableRandom(SEED);
        }

        String nextRunId() {
            return "run-" + ++runs;
        }
    }

    @Benchmark
    public RunResult experimentRun(World state) {
        return state.engine.await(state.engine.runner().start(state.nextRunId(), state.spec.withSeed(state.random.nextLong())));
    }

    @Benchmark
    public int worldOnly(World state) {
        SimulatedWorld world = state.engine.world();
        List<String> killed = new ArrayList<>(state.kills);
        for (int i = 0; i < state.kills; i++) {
            String group = Fleets.groupName(state.random.nextInt(state.groups));
            world.terminateRandomMember(group, "chaos").ifPresent(id -> killed.add(group));
        }
        int steps = 0;
        for (String group : killed) {
            while (world.healthyCount(group) < 10) {
                if (!world.step()) {
                    throw new IllegalStateException("world ran out of events before group " + group + " recovered");
                }
                steps++;
            }
        }
        return steps;
    }
}
