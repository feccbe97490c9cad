package dev.macaque.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each of this node's periodic duties every {@code interval}, each on its own daemon thread, so that a slow one
 * (a schedule tick waiting for an outage check) never delays another (lease renewal).
 */
public final class Poller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Poller.class);

    private final ScheduledExecutorService executor;

    public Poller(Duration interval, List<Runnable> duties) {
        executor = Executors.newScheduledThreadPool(Math.max(1, duties.size()), task -> {
            Thread thread = new Thread(task, "macaque-poller");
            thread.setDaemon(true);
            return thread;
        });
        for (Runnable duty : duties) {
            executor.scheduleWithFixedDelay(() -> {
                try {
                    duty.run();
                } catch (RuntimeException e) {
                    log.warn("A periodic duty failed (retried at the next poll): {}", e.toString());
                }
            }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
