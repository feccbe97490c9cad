package dev.macaque.benchmarks.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.simulated.SimulatedWorld;
import org.junit.jupiter.api.Test;

class SimulatorThroughputBenchmarkTest {
    private final SimulatorThroughputBenchmark benchmark = new SimulatorThroughputBenchmark();

    @Test
    void worldFiresABatchOfEventsAndEveryGroupIsKilledAboutDaily() {
        SimulatorThroughputBenchmark.World state = new SimulatorThroughputBenchmark.World();
        state.groups = 200;
        state.instancesPerGroup = 10;
        state.build();
        SimulatedWorld world = state.world.world();
        long before = world.scheduledEvents();

        assertThat(benchmark.world(state)).isEqualTo(SimulatorThroughputBenchmark.EVENTS_PER_OP);

        assertThat(world.scheduledEvents()).isGreaterThan(before);
        double days = world.elapsed().toNanos() / (double) KillHeavyWorld.DAY_NANOS;
        // One Poisson kill process per group with mean one day: about groups × days recovery episodes.
        double expected = state.groups * days;
        assertThat((double) world.allRecoveryEpisodes().size()).isBetween(0.8 * expected, 1.2 * expected);
    }

    @Test
    void floorKeepsItsQueueSizeWhileFiring() {
        SimulatorThroughputBenchmark.Floor state = new SimulatorThroughputBenchmark.Floor();
        state.groups = 200;
        state.build();

        assertThat(benchmark.priorityQueueFloor(state)).isPositive();
        assertThat(state.queue.pending()).isEqualTo(200);
    }
}
