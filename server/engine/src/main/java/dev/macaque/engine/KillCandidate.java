package dev.macaque.engine;

import dev.macaque.spi.GroupRef;
import java.util.Map;
import java.util.Objects;

/**
 * One termination about to happen, with what the guardrails need to know about its group.
 *
 * @param group           the group
 * @param tags            the group's tags as last read
 * @param desiredCapacity the group's desired capacity
 * @param healthyNow      healthy in-service instances now, less the kills this run (and, when decided against the
 *                        fleet, every run) already made or has in flight
 */
public record KillCandidate(GroupRef group, Map<String, String> tags, int desiredCapacity, int healthyNow) {
    public KillCandidate {
        Objects.requireNonNull(group, "group");
        tags = Map.copyOf(tags);
    }
}
