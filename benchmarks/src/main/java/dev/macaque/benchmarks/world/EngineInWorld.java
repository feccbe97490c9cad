package dev.macaque.benchmarks.world;

import dev.macaque.engine.ExperimentRun;
import dev.macaque.engine.ExperimentRunner;
import dev.macaque.engine.InMemoryKillHistory;
import dev.macaque.engine.KillSwitch;
import dev.macaque.engine.ProviderDirectory;
import dev.macaque.engine.RetryPolicy;
import dev.macaque.engine.RunResult;
import dev.macaque.simulate.WorldTaskScheduler;
import dev.macaque.simulated.SimulatedProvider;
import dev.macaque.simulated.SimulatedWorld;
import java.util.SplittableRandom;

/**
 * The experiment engine running inside a simulated world: one {@link ExperimentRunner} whose provider is the world's
 * {@link SimulatedProvider} and whose scheduler is the world's event queue, with an in-memory kill history and a
 * recorder that only counts. Single-threaded: whoever steps the world drives the runs.
 */
public final class EngineInWorld {
    public static final String PROVIDER_ID = "sim";

    private final SimulatedWorld world;
    private final SimulatedProvider provider;
    private final CountingRunRecorder recorder = new CountingRunRecorder();
    private final ExperimentRunner runner;

    public EngineInWorld(SimulatedWorld world, long seed) {
        this.world = world;
        this.provider = world.provider(PROVIDER_ID);
        SplittableRandom seeds = new SplittableRandom(seed);
        this.runner = new ExperimentRunner(ProviderDirectory.of(provider), new WorldTaskScheduler(world), recorder,
                KillSwitch.NEVER_ENGAGED, new InMemoryKillHistory(), RetryPolicy.DEFAULT, seeds::nextLong);
    }

    public SimulatedWorld world() {
        return world;
    }

    public ExperimentRunner runner() {
        return runner;
    }

    public CountingRunRecorder recorder() {
        return recorder;
    }

    /**
     * Steps the world until {@code run} ends.
     *
     * @throws IllegalStateException when the world runs out of events first, which would be an engine bug
     */
    public RunResult await(ExperimentRun run) {
        while (!run.completion().isDone()) {
            if (!world.step()) {
                throw new IllegalStateException("world " + world.name() + " ran out of events at " + world.now()
                        + " while run " + run.id() + " was " + run.state());
            }
        }
        return run.completion().join();
    }
}
