package dev.macaque.engine;

import dev.macaque.spi.GroupRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The recovery of one group this run killed in.
 *
 * @param group          the group
 * @param status         recovered, not recovered, skipped or still pending
 * @param preKillHealthy healthy in-service instances before the run's first kill in the group: the target
 * @param lastHealthy    healthy in-service instances at the last successful health read, or -1 when none
 * @param firstKillAt    when the run's first kill in the group was made
 * @param timeToRecover  from the first kill to the health read that saw the group back, when recovered
 * @param detail         for people: e.g. the last health-read error
 */
public record GroupRecovery(GroupRef group, RecoveryStatus status, int preKillHealthy, int lastHealthy, Instant firstKillAt,
                            Duration timeToRecover, String detail) {
    public GroupRecovery {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(firstKillAt, "firstKillAt");
        Objects.requireNonNull(detail, "detail");
    }
}
