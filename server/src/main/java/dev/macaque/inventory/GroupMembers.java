package dev.macaque.inventory;

import dev.macaque.spi.Instance;
import dev.macaque.spi.LifecycleState;
import dev.macaque.spi.VmGroup;
import java.time.Instant;
import java.util.Objects;

/**
 * A group's members as the inventory last read them.
 *
 * @param group      the group with its members (summary as listed then)
 * @param observedAt when the members were read from the cloud
 */
public record GroupMembers(VmGroup group, Instant observedAt) {
    public GroupMembers {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(observedAt, "observedAt");
    }

    /** Members in service and healthy. */
    public int healthyInService() {
        return group.healthyInService().size();
    }

    /** Members on their way in: launching, or running but not yet passing their health check. */
    public int pending() {
        return (int) group.instances().stream().filter(GroupMembers::comingUp).count();
    }

    private static boolean comingUp(Instance instance) {
        return instance.state() == LifecycleState.PENDING
                || instance.state() == LifecycleState.IN_SERVICE && !instance.healthy();
    }
}
