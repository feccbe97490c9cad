package dev.macaque.experiments;

import java.time.Instant;
import java.util.Map;

/** One event of a run as stored and served by {@code GET /api/v1/experiments/{id}/events}. */
public record StoredEvent(long seq, Instant time, String type, Map<String, String> fields) {
}
