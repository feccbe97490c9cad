package dev.macaque.simulate;

import dev.macaque.engine.Cancellable;
import dev.macaque.engine.TaskScheduler;
import dev.macaque.simulated.ScheduledTask;
import dev.macaque.simulated.SimulatedWorld;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The engine's time and timers, taken from a simulated world: the clock is the world's virtual clock and every
 * task goes into the world's own event queue, so engine steps interleave with world events in one deterministic
 * (time, sequence) order, on the thread that runs the world, with no sleeping.
 */
public final class WorldTaskScheduler implements TaskScheduler {
    private final SimulatedWorld world;

    public WorldTaskScheduler(SimulatedWorld world) {
        this.world = Objects.requireNonNull(world, "world is null");
    }

    @Override
    public Clock clock() {
        return world.clock();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("cannot schedule a task in the past: delay " + delay);
        }
        ScheduledTask scheduled = world.scheduleAfter(delay, task);
        return scheduled::cancel;
    }
}
