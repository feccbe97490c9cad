package dev.macaque.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One member of a VM group.
 *
 * @param id         the instance's id, unique within its group and never reused for a replacement (AWS {@code i-…},
 *                   Azure scale-set instance id, GCP {@code vmName@vmId} since GCP reuses names)
 * @param zone       availability zone, or empty when the cloud has none
 * @param state      where the instance is in its life
 * @param healthy    whether the group's health check considers it healthy
 * @param launchTime when it was launched, or {@code null} when the cloud does not say
 */
public record Instance(String id, String zone, LifecycleState state, boolean healthy, Instant launchTime) {

    public Instance {
        GroupRef.requireText(id, "id");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(state, "state");
    }

    public boolean isHealthyInService() {
        return healthy && state == LifecycleState.IN_SERVICE;
    }
}
