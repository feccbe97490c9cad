package dev.macaque.benchmarks.world;

import dev.macaque.engine.Cancellable;
import dev.macaque.engine.TaskScheduler;
import dev.macaque.simulated.ScheduledTask;
import dev.macaque.simulated.SimulatedWorld;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The engine's {@link TaskScheduler} on a simulated world's own event queue and virtual clock, so engine steps and
 * world events share one deterministic order and whoever steps the world drives the runs too.
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
        ScheduledTask scheduled = world.scheduleAfter(delay, task);
        return scheduled::cancel;
    }
}
