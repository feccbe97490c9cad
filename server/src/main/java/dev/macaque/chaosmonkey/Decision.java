package dev.macaque.chaosmonkey;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A scheduled kill that came due, as recorded: exactly one per (schedule, group, day) across all nodes.
 *
 * @param runId          the run id reserved for it when it was claimed; the run, if started, has this id
 * @param ownerNode      the node executing it while {@link DecisionState#CLAIMED}
 * @param leaseExpiresAt until when the owner's claim holds; after that another node may take it over
 */
public record Decision(String scheduleId, String groupKey, LocalDate day, Instant plannedAt, Instant windowEnd, DecisionState state,
        String runId, String ownerNode, Instant leaseExpiresAt, int attempts, String detail, Instant updatedAt) {
}
