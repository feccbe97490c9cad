package dev.macaque.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Keeps events in memory per run, for tests and the simulator. Thread-safe. */
public final class InMemoryRunRecorder implements RunRecorder {
    private final Map<String, List<RunEvent>> events = new ConcurrentHashMap<>();

    @Override
    public void record(RunEvent event) {
        List<RunEvent> list = events.computeIfAbsent(event.runId(), id -> new ArrayList<>());
        synchronized (list) {
            list.add(event);
        }
    }

    /** The run's events so far, in order. */
    public List<RunEvent> events(String runId) {
        List<RunEvent> list = events.get(runId);
        if (list == null) {
            return List.of();
        }
        synchronized (list) {
            return List.copyOf(list);
        }
    }
}
