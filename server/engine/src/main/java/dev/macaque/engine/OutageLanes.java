package dev.macaque.engine;

import java.util.concurrent.Semaphore;

/**
 * The lanes zone outages may run beside their own, shared by every run of one {@link ExperimentRunner}. A group's
 * batch call holds an engine thread for the whole call (minutes for a cloud's long-running operation), and the
 * engine's threads also run every run's steps, steady-state probe ticks and recovery checks: an outage's first lane
 * always goes (it is the thread any run's step holds), every further lane needs a permit from here, so that however
 * many outages run at once their extra calls never hold more than {@link #forEngineThreads}'s share of the pool.
 * Thread-safe.
 */
final class OutageLanes {
    private final int extra;
    private final Semaphore permits;

    private OutageLanes(int extra) {
        this.extra = extra;
        this.permits = new Semaphore(extra);
    }

    /**
     * For an engine of {@code threads} threads: {@code threads / 2 - 1} extra lanes (1 of 4), so that one outage
     * alone holds at most half the pool, and the extra lanes of all outages together at most a quarter of it.
     */
    static OutageLanes forEngineThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("the engine needs at least one thread, got " + threads);
        }
        return new OutageLanes(Math.max(0, threads / 2 - 1));
    }

    /** How many extra lanes there are in all. */
    int extra() {
        return extra;
    }

    /** Takes an extra lane if one is free now; never waits (an engine thread must not block on another run). */
    boolean tryTake() {
        return permits.tryAcquire();
    }

    /** Gives back a lane {@link #tryTake} took. */
    void giveBack() {
        permits.release();
    }

    /** Extra lanes free now (for tests and diagnostics). */
    int free() {
        return permits.availablePermits();
    }
}
