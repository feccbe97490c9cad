package dev.macaque.provider.aws;

import dev.macaque.spi.LifecycleState;

/** Maps EC2 Auto Scaling's instance lifecycle states and health statuses to the SPI's. */
final class AsgStates {

    private AsgStates() {
    }

    /**
     * Auto Scaling's lifecycle state (e.g. {@code InService}, {@code Pending:Wait}, {@code Terminating:Proceed},
     * {@code Warmed:Running}) as a {@link LifecycleState}. Unknown states count as out of service: a member, but not
     * one to kill or to count as healthy.
     */
    static LifecycleState lifecycle(String state) {
        if (state == null || state.isEmpty()) {
            return LifecycleState.OUT_OF_SERVICE;
        }
        if (state.equals("InService")) {
            return LifecycleState.IN_SERVICE;
        }
        if (state.startsWith("Pending") || state.startsWith("Warmed:Pending")) {
            return LifecycleState.PENDING;
        }
        if (state.equals("Terminated") || state.equals("Warmed:Terminated")) {
            return LifecycleState.TERMINATED;
        }
        if (state.startsWith("Terminating") || state.startsWith("Warmed:Terminating")) {
            return LifecycleState.TERMINATING;
        }
        // Standby, EnteringStandby, Detaching, Detached, Quarantined, Warmed:Stopped, Warmed:Running, Warmed:Hibernated …
        return LifecycleState.OUT_OF_SERVICE;
    }

    /** Auto Scaling reports {@code Healthy} or {@code Unhealthy}. */
    static boolean healthy(String healthStatus) {
        return healthStatus != null && healthStatus.trim().equalsIgnoreCase("Healthy");
    }
}
