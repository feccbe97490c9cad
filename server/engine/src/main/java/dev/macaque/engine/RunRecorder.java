package dev.macaque.engine;

/**
 * Where a run's events go as they happen. {@link #record} returns only once the event is kept (the server's store
 * writes it durably): the engine relies on that to have a termination's intent on record before it calls the
 * provider. Called from the run's tasks, one event at a time per run; implementations are thread-safe across runs.
 */
@FunctionalInterface
public interface RunRecorder {
    void record(RunEvent event);

    /**
     * Whether events can be kept now. While they cannot (the server's database cannot write), a run holds its next
     * termination instead of failing on its intent, and goes on once they can.
     */
    default boolean canRecord() {
        return true;
    }
}
