package dev.macaque.experiments;

import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunEventData;
import java.time.Instant;
import java.util.Map;

/**
 * One event of a run as {@code GET /api/v1/experiments/{id}/events} and its server-sent events serve it.
 *
 * @param fields the step's values as strings, in their stored form ({@link dev.macaque.engine.RunEventFields});
 *               superseded by {@code data}, kept for existing consumers
 * @param data   the step's typed values ({@link RunEventData}): numbers, booleans, arrays, objects; durations in seconds
 */
public record RunEventView(long seq, Instant time, String type, Map<String, String> fields, Map<String, Object> data) {
    public static RunEventView of(RunEvent event) {
        return new RunEventView(event.seq(), event.time(), event.type().name(), event.fields(), RunEventData.of(event.step()));
    }
}
