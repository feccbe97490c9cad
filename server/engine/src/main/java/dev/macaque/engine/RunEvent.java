package dev.macaque.engine;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a run.
 *
 * @param runId  the run
 * @param seq    position in the run's event list, from 1, without gaps
 * @param time   when it happened, by the engine's clock
 * @param type   what happened
 * @param fields details, in a fixed order (strings, so any store can keep them)
 */
public record RunEvent(String runId, long seq, Instant time, RunEventType type, Map<String, String> fields) {
    public RunEvent {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(type, "type");
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public String field(String name) {
        return fields.get(name);
    }
}
