package dev.macaque.experiments;

import dev.macaque.engine.RunEvent;
import java.time.Instant;
import java.util.Map;

/**
 * One event of a run as {@code GET /api/v1/experiments/{id}/events} and its server-sent events serve it: the
 * step's fields in their stored form ({@link dev.macaque.engine.RunEventFields}).
 */
public record RunEventView(long seq, Instant time, String type, Map<String, String> fields) {
    public static RunEventView of(RunEvent event) {
        return new RunEventView(event.seq(), event.time(), event.type().name(), event.fields());
    }
}
