package dev.macaque.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs this node's periodic duties, one after the other, every {@code interval} on one daemon thread. */
public final class Poller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Poller.class);

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "macaque-poller");
        thread.setDaemon(true);
        return thread;
    });

    public Poller(Duration interval, List<Runnable> duties) {
        List<Runnable> all = List.copyOf(duties);
        executor.scheduleWithFixedDelay(() -> {
            for (Runnable duty : all) {
                try {
                    duty.run();
                } catch (RuntimeException e) {
                    log.warn("A periodic duty failed (retried at the next poll): {}", e.toString());
                }
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
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
