package dev.macaque.benchmarks.simulator;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Events per second of the simulated world under a kill-heavy schedule ({@link KillHeavyWorld}); the score is
 * events/s. Baseline in the same run: {@link #priorityQueueFloor}, a bare {@code java.util.PriorityQueue} holding
 * the same number of pending events. Three fleet sizes show whether the cost per event grows with the fleet, and
 * that a million groups (ten million instances) fit in the fork's 2 GiB heap.
 *
 * <p>One world per trial (building a million groups takes longer than an iteration): it keeps its history (recovery
 * episodes, availability series), so that growth over the whole trial is part of what is measured, and the
 * allocation per event is the events' own, not a rebuild's.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class SimulatorThroughputBenchmark {
    public static final long SEED = 42L;
    public static final int EVENTS_PER_OP = 10_000;

    @State(Scope.Benchmark)
    public static class World {
        @Param({"1000", "100000", "1000000"})
        public int groups;

        @Param({"10"})
        public int instancesPerGroup;

        public KillHeavyWorld world;

        @Setup(Level.Trial)
        public void build() {
            world = KillHeavyWorld.start(SEED, groups, instancesPerGroup);
            // Past the first kills, so the queue holds the steady mix of kills, launches and boots.
            world.fire(Math.min(1_000_000, 10 * groups));
        }
    }

    @State(Scope.Benchmark)
    public static class Floor {
        @Param({"1000", "100000", "1000000"})
        public int groups;

        public PriorityQueueFloor queue;

        @Setup(Level.Trial)
        public void build() {
            // About as many pending events as the world holds: one kill per group plus the few in flight.
            queue = new PriorityQueueFloor(SEED, groups, KillHeavyWorld.DAY_NANOS);
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS_PER_OP)
    public int world(World state) {
        return state.world.fire(EVENTS_PER_OP);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS_PER_OP)
    public long priorityQueueFloor(Floor state) {
        return state.queue.fire(EVENTS_PER_OP);
    }
}
