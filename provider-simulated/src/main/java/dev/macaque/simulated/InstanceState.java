package dev.macaque.simulated;

import dev.macaque.simulated.events.SimEvent;
import dev.macaque.spi.LifecycleState;

/**
 * One member of a simulated group. It is also the event of its own next lifecycle transition (boot finished,
 * health check passed, termination finished), so a member's life allocates nothing beyond this object. Its id is
 * its group's name and its number ({@link GroupState#idOf(int)}), written when asked for (not kept: at a million groups,
 * ten million ids would be most of the heap).
 */
final class InstanceState extends SimEvent {
    final GroupState group;
    final int number;
    /** Index into the group's zones; a byte, with {@code healthy}, keeps the object at 56 bytes. */
    final byte zoneIndex;
    final long launchNanos;
    LifecycleState state;
    boolean healthy;
    /** When it became healthy in service (overload crash timers start no earlier). */
    long healthySinceNanos;

    InstanceState(GroupState group, int number, int zoneIndex, long launchNanos, LifecycleState state, boolean healthy) {
        this.group = group;
        this.number = number;
        this.zoneIndex = (byte) zoneIndex;
        this.launchNanos = launchNanos;
        this.state = state;
        this.healthy = healthy;
    }

    String id() {
        return group.idOf(number);
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
