package dev.macaque.engine;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a run, as recorded.
 *
 * @param runId the run
 * @param seq   position in the run's event list, from 1, without gaps
 * @param time  when it happened, by the engine's clock
 * @param step  what happened, with typed values
 */
public record RunEvent(String runId, long seq, Instant time, RunStep step) {
    public RunEvent {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(step, "step");
    }

    /** An event read back from its stored form (see {@link RunEventFields}). */
    public RunEvent(String runId, long seq, Instant time, RunEventType type, Map<String, String> fields) {
        this(runId, seq, time, RunEventFields.read(type, fields));
    }

    public RunEventType type() {
        return step.type();
    }

    /** The stored and JSON form of the step: string fields in a fixed order. */
    public Map<String, String> fields() {
        return RunEventFields.of(step);
    }

    public String field(String name) {
        return fields().get(name);
    }
}
