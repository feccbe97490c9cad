package dev.macaque.simulated;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Keeps a world's virtual time at {@code speed} × the real time elapsed since it started (60 = one simulated minute
 * per real second). Real time is read from the given clock only; the world's own clock stays virtual.
 *
 * <p>A daemon thread fires due events and then waits on the world's monitor until the next event is due (at most
 * {@value #MAX_WAIT_MILLIS} ms, and less when a task is scheduled meanwhile). Callers that touch the world from
 * other threads bring it up to the coupled instant first, so they never see a stale world.
 */
public final class RealTimeDriver implements AutoCloseable {
    static final long MAX_WAIT_MILLIS = 200;

    private final SimulatedWorld world;
    private final double speed;
    private final Clock realClock;
    private final System.Logger logger;
    private final Instant realStart;
    private final long virtualStartNanos;
    private final Thread thread;
    private volatile boolean running;

    RealTimeDriver(SimulatedWorld world, double speed, Clock realClock, System.Logger logger) {
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed must be a finite number > 0, was " + speed);
        }
        this.world = world;
        this.speed = speed;
        this.realClock = Objects.requireNonNull(realClock, "realClock");
        this.logger = Objects.requireNonNull(logger, "logger");
        this.realStart = realClock.instant();
        this.virtualStartNanos = world.nowNanos();
        this.thread = new Thread(this::loop, "macaque-sim-" + world.name());
        this.thread.setDaemon(true);
    }

    void start() {
        running = true;
        thread.start();
    }

    public double speed() {
        return speed;
    }

    public boolean isRunning() {
        return running;
    }

    /** The virtual time (nanoseconds since the world's start) that corresponds to the real clock's now. */
    long targetNanos() {
        long realNanos = Duration.between(realStart, realClock.instant()).toNanos();
        return virtualStartNanos + Math.max(0, (long) (realNanos * speed));
    }

    /**
     * Fires every event due up to the coupled instant and moves virtual time there; the caller holds the world's
     * lock. A failing task is reported and skipped, never thrown at whoever happened to bring the world up to date.
     */
    long catchUp() {
        long target = targetNanos();
        while (true) {
            try {
                if (!world.fireNext(target)) {
                    break;
                }
            } catch (RuntimeException e) {
                logger.log(System.Logger.Level.ERROR, "a task in simulated world " + world.name()
                        + " failed; the world keeps running", e);
            }
        }
        if (target > world.nowNanos()) {
            world.runUntilNanos(target);
        }
        return target;
    }

    private void loop() {
        synchronized (world) {
            while (running) {
                long target = catchUp();
                long next = world.peekNanos();
                long waitMillis = MAX_WAIT_MILLIS;
                if (next != Long.MAX_VALUE) {
                    waitMillis = Math.max(1, Math.min(MAX_WAIT_MILLIS, (long) ((next - target) / speed / 1_000_000)));
                }
                try {
                    world.wait(waitMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    /** Stops the driver and waits (briefly) for its thread to end. Idempotent. */
    public void stop() {
        running = false;
        synchronized (world) {
            world.notifyAll();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
