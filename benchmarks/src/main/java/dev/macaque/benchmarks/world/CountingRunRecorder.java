package dev.macaque.benchmarks.world;

import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunRecorder;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts run events and keeps none: a long simulation records millions, and keeping them would measure the
 * recorder's heap rather than the engine (the server's store writes them out).
 */
public final class CountingRunRecorder implements RunRecorder {
    private final AtomicLong recorded = new AtomicLong();

    @Override
    public void record(RunEvent event) {
        recorded.incrementAndGet();
    }

    public long recorded() {
        return recorded.get();
    }
}
