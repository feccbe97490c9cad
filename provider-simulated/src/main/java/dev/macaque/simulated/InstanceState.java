package dev.macaque.simulated;

import dev.macaque.simulated.events.SimEvent;
import dev.macaque.spi.LifecycleState;

/**
 * One member of a simulated group. It is also the event of its own next lifecycle transition (boot finished,
 * health check passed, termination finished), so a member's life allocates nothing beyond this object. Its id is
 * its group's name and its number ({@link GroupState#idOf(int)}), written when first asked for and kept while it lives.
 */
final class InstanceState extends SimEvent {
    final GroupState group;
    final int number;
    final int zoneIndex;
    final long launchNanos;
    LifecycleState state;
    boolean healthy;
    /** When it became healthy in service (overload crash timers start no earlier). */
    long healthySinceNanos;
    /** Its id, once asked for. The field is free: objects are padded to 8 bytes and this one had 4 to spare. */
    private String id;

    InstanceState(GroupState group, int number, int zoneIndex, long launchNanos, LifecycleState state, boolean healthy) {
        this.group = group;
        this.number = number;
        this.zoneIndex = zoneIndex;
        this.launchNanos = launchNanos;
        this.state = state;
        this.healthy = healthy;
    }

    String id() {
        String known = id;
        if (known == null) {
            id = known = group.idOf(number);
        }
        return known;
    }

    boolean isHealthyInService() {
        return healthy && state == LifecycleState.IN_SERVICE;
    }

    /** Booting or inside its health-check grace period. */
    boolean isStarting() {
        return state == LifecycleState.PENDING || (state == LifecycleState.IN_SERVICE && !healthy);
    }

    @Override
    protected void fire() {
        group.lifecycle.onInstanceTransition(this);
    }
}
