package dev.macaque.schedule;

import dev.macaque.spi.GroupRef;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * A kill the schedule plans.
 *
 * @param group the group
 * @param day   the working day, in the window's zone
 * @param at    when
 */
public record PlannedKill(GroupRef group, LocalDate day, Instant at) {
    public PlannedKill {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(at, "at");
    }
}
