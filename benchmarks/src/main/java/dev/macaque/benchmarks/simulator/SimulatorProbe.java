package dev.macaque.benchmarks.simulator;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * A check of {@link SimulatorThroughputBenchmark}'s figures that a shared machine disturbs less: the world's live heap
 * after it is built and after a warm-up, and the world's and the bare floor's cost per event as this thread's CPU
 * time (not wall time: time spent descheduled by other processes does not count), alternating world and floor in
 * rounds of 200,000 events and keeping each one's best round after three warm-up rounds. Not JMH; a figure, never a
 * test's assertion. Run in the heap under test:
 * {@code java -Xms2g -Xmx2g -cp benchmarks.jar dev.macaque.benchmarks.simulator.SimulatorProbe 1000000 [rounds]}.
 */
public final class SimulatorProbe {
    private static final int EVENTS_PER_ROUND = 200_000;
    private static final int WARM_UP_ROUNDS = 3;

    private SimulatorProbe() {
    }

    public static void main(String[] args) {
        int groups = Integer.parseInt(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long started = System.nanoTime();
        KillHeavyWorld world = KillHeavyWorld.start(SimulatorThroughputBenchmark.SEED, groups, 10);
        double buildSeconds = (System.nanoTime() - started) / 1e9;
        long builtMiB = liveMiB();
        world.fire(Math.min(1_000_000, 10 * groups));
        long warmMiB = liveMiB();
        PriorityQueueFloor floor = new PriorityQueueFloor(SimulatorThroughputBenchmark.SEED, groups, KillHeavyWorld.DAY_NANOS);
        double bestWorld = Double.MAX_VALUE;
        double bestFloor = Double.MAX_VALUE;
        for (int round = 0; round < WARM_UP_ROUNDS + rounds; round++) {
            long c0 = threads.getCurrentThreadCpuTime();
            world.fire(EVENTS_PER_ROUND);
            long c1 = threads.getCurrentThreadCpuTime();
            floor.fire(EVENTS_PER_ROUND);
            long c2 = threads.getCurrentThreadCpuTime();
            if (round >= WARM_UP_ROUNDS) {
                bestWorld = Math.min(bestWorld, (c1 - c0) / (double) EVENTS_PER_ROUND);
                bestFloor = Math.min(bestFloor, (c2 - c1) / (double) EVENTS_PER_ROUND);
            }
        }
        System.out.printf(Locale.ROOT, "simulator probe, %,d groups x 10: built in %.1f s; live heap %,d MiB built, %,d MiB after"
                        + " warm-up (max %,d MiB); CPU per event: world %.0f ns, floor %.0f ns, ratio %.3f (target >= %.2f)%n",
                groups, buildSeconds, builtMiB, warmMiB, Runtime.getRuntime().maxMemory() >> 20, bestWorld, bestFloor,
                bestFloor / bestWorld, SimulatorTargets.MIN_RATIO);
    }

    private static long liveMiB() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return (runtime.totalMemory() - runtime.freeMemory()) >> 20;
    }
}
