package dev.macaque.experiments;

import java.time.Instant;

/** A run's row: what lists page through, and the last saved {@link RunView} as JSON. */
public record StoredRun(String id, String name, String state, long seed, boolean dryRun, String createdBy, Instant createdAt,
        Instant updatedAt, String specJson, String resultJson) {
}
