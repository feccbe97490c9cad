package dev.macaque.chaosmonkey;

import java.time.Instant;
import java.util.Objects;

/**
 * A kill schedule as stored.
 *
 * @param definitionJson the schedule as {@code KillScheduleParser} reads it
 * @param seed           the seed of its {@code ScheduleCalendar}: every node plans the same kills
 * @param source         {@code api} or {@code config} (seeded from the configuration file; read-only through the API)
 */
public record StoredSchedule(String id, String name, String source, String definitionJson, long seed, boolean enabled,
        String createdBy, Instant createdAt, Instant updatedAt) {
    public static final String SOURCE_API = "api";
    public static final String SOURCE_CONFIG = "config";

    public StoredSchedule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(definitionJson, "definitionJson");
    }
}
