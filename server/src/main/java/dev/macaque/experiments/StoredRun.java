package dev.macaque.experiments;

import java.time.Instant;

/**
 * A run's row: what lists page through, and the last saved {@link RunView} as JSON.
 *
 * @param templateName the template the run was started from; null for a spec sent as is, a scheduled run, or a run
 *                     created before the column existed (migration V23)
 */
public record StoredRun(String id, String name, String state, long seed, boolean dryRun, String createdBy, Instant createdAt,
        Instant updatedAt, String specJson, String resultJson, String templateName) {
}
