package dev.macaque.benchmarks.simulator;

import dev.macaque.benchmarks.world.Fleets;
import dev.macaque.simulated.SimulatedWorld;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * A simulated fleet under a kill-heavy schedule: every group is killed at exponentially distributed intervals with
 * a mean of one simulated day (each kill is a world task that reschedules itself), so the queue is always busy with
 * kills, replacements, boots, health-check graces and the availability updates they cause.
 */
public final class KillHeavyWorld {
    public static final long DAY_NANOS = Duration.ofDays(1).toNanos();

    private final SimulatedWorld world;

    private KillHeavyWorld(SimulatedWorld world) {
        this.world = world;
    }

    public static KillHeavyWorld start(long seed, int groups, int instancesPerGroup) {
        SimulatedWorld world = Fleets.world(seed, groups, instancesPerGroup, 4);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < groups; i++) {
            RecurringKill kill = new RecurringKill(world, Fleets.groupName(i), random.split());
            world.scheduleAfter(Duration.ofNanos(random.nextLong(DAY_NANOS)), kill);
        }
        return new KillHeavyWorld(world);
    }

    public SimulatedWorld world() {
        return world;
    }

    /** Fires the next {@code events} events; returns how many fired (all of them: the schedule never runs dry). */
    public int fire(int events) {
        int fired = 0;
        while (fired < events && world.step()) {
            fired++;
        }
        return fired;
    }

    private static final class RecurringKill implements Runnable {
        private final SimulatedWorld world;
        private final String group;
        private final SplittableRandom random;

        RecurringKill(SimulatedWorld world, String group, SplittableRandom random) {
            this.world = world;
            this.group = group;
            this.random = random;
        }

        @Override
        public void run() {
            world.terminateRandomMember(group, "chaos");
            // Exponential inter-kill time, mean one day: a Poisson kill process per group.
            long next = (long) (-Math.log(1.0 - random.nextDouble()) * DAY_NANOS);
            world.scheduleAfter(Duration.ofNanos(Math.max(1, next)), this);
        }
    }
}
