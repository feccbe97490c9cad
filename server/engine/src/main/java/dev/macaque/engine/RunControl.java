package dev.macaque.engine;

import java.time.Duration;

/**
 * What a run's collaborators may ask of the {@link ExperimentRun} that coordinates them; called with the run's lock
 * held (the lock is reentrant, so a call without it takes it).
 */
interface RunControl {
    RunState state();

    /** Makes {@code task} the run's one pending task, after {@code delay}; a recorder failure in it ends it quietly. */
    void schedule(Duration delay, Runnable task);

    /**
     * Schedules {@code task} beside the run's pending task instead of replacing it: a zone outage's groups' calls
     * (and their retries) under way at once. Stopping the run cancels those not yet started. Called under the lock.
     */
    void scheduleAlongside(Duration delay, Runnable task);

    /** Runs the next step as a new task while the run is RUNNING (see {@link ExperimentRun}). */
    void continueWith(Runnable step);

    /** Ends the run FAILED with {@code reason} unless it has already ended. */
    void fail(String reason);
}
