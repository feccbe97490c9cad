package dev.macaque.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Time and timers for the engine. The engine never sleeps and never reads the system clock: it reads
 * {@link #clock()} and continues later through {@link #schedule}. The server uses {@link ExecutorTaskScheduler}
 * (real time); the simulator uses {@code WorldTaskScheduler} and tests {@code VirtualTaskScheduler} from the test
 * fixtures (virtual time, one thread, no sleeping).
 */
public interface TaskScheduler {

    Clock clock();

    /**
     * Runs {@code task} once, {@code delay} from now.
     *
     * @throws IllegalArgumentException when {@code delay} is negative
     */
    Cancellable schedule(Duration delay, Runnable task);

    default Instant now() {
        return clock().instant();
    }
}
