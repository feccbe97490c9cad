package dev.macaque.simulated;

import java.time.Instant;

/** A task scheduled into a world's event queue with {@link SimulatedWorld#schedule(Instant, Runnable)}. */
public interface ScheduledTask {

    /** The virtual instant it runs (or ran) at. */
    Instant at();

    /** Whether it is still waiting to run. */
    boolean isPending();

    /** Removes it from the queue; returns whether it was still waiting. */
    boolean cancel();
}
