package dev.macaque.engine;

/**
 * Where a run's events go as they happen. {@link #record} returns only once the event is kept (the server's store
 * writes it durably): the engine relies on that to have a termination's intent on record before it calls the
 * provider. Called from the run's tasks, one event at a time per run; implementations are thread-safe across runs.
 */
@FunctionalInterface
public interface RunRecorder {
    void record(RunEvent event);
}
