package dev.macaque.provider.gcp;

import com.google.cloud.compute.v1.ManagedInstance;
import com.google.cloud.compute.v1.ManagedInstanceInstanceHealth;
import dev.macaque.spi.LifecycleState;
import java.util.Set;

/**
 * One managed instance as {@code listManagedInstances} reports it.
 *
 * <p>A MIG recreates a member under the same name, so the name alone does not identify one VM: the instance id
 * Macaque uses is {@code name@vmId} (the VM's numeric id), or just {@code name} while the VM does not exist yet.
 *
 * @param name        the VM's name, stable across recreations
 * @param vmId        the VM's numeric id (unsigned), 0 when not created yet
 * @param zone        the VM's zone
 * @param status      the VM's status (RUNNING, STAGING, STOPPED, ...), empty when not created yet
 * @param action      the MIG's current action on it (NONE, CREATING, RECREATING, DELETING, ...)
 * @param healthState the health check's verdict (HEALTHY, UNHEALTHY, DRAINING, TIMEOUT, UNKNOWN), empty if none
 */
record Member(String name, long vmId, String zone, String status, String action, String healthState) {

    private static final Set<String> LEAVING = Set.of("DELETING", "RECREATING", "ABANDONING");
    private static final Set<String> ARRIVING = Set.of("CREATING", "CREATING_WITHOUT_RETRIES", "VERIFYING",
            "STARTING", "RESUMING", "RESTARTING");
    /**
     * REFRESHING: the MIG applies a change (labels, metadata, target pools) to a running VM without stopping it, as
     * after the all-instances label change that opts a group in: the VM keeps serving, so it counts like no action.
     */
    private static final Set<String> IN_PLACE = Set.of("NONE", "REFRESHING");

    static Member of(ManagedInstance managed) {
        String url = managed.getInstance();
        String name = managed.hasName() && !managed.getName().isEmpty() ? managed.getName() : lastSegment(url);
        String health = managed.getInstanceHealthList().stream()
                .map(ManagedInstanceInstanceHealth::getDetailedHealthState)
                .filter(s -> !s.isEmpty())
                .findFirst().orElse("");
        return new Member(name, managed.getId(), segmentAfter(url, "zones"), managed.getInstanceStatus(),
                managed.hasCurrentAction() ? managed.getCurrentAction() : "NONE", health);
    }

    /** {@code name@vmId}, or {@code name} while the VM has no id. */
    String instanceId() {
        return vmId == 0 ? name : name + "@" + Long.toUnsignedString(vmId);
    }

    /** Whether the MIG is already taking this VM away (deleting, recreating or abandoning it). */
    boolean leaving() {
        return LEAVING.contains(action);
    }

    LifecycleState state() {
        if (leaving()) {
            return LifecycleState.TERMINATING;
        }
        if (ARRIVING.contains(action)) {
            return LifecycleState.PENDING;
        }
        if (!IN_PLACE.contains(action)) {
            // STOPPING, SUSPENDING: the member stays but stops serving
            return LifecycleState.OUT_OF_SERVICE;
        }
        return switch (status) {
            case "RUNNING" -> LifecycleState.IN_SERVICE;
            // PENDING: waiting for capacity (Flex Start) before PROVISIONING
            case "", "PENDING", "PROVISIONING", "STAGING", "REPAIRING" -> LifecycleState.PENDING;
            case "STOPPING", "DEPROVISIONING" -> LifecycleState.TERMINATING;
            // GCP's TERMINATED means stopped, not deleted: the VM is still a member
            default -> LifecycleState.OUT_OF_SERVICE;
        };
    }

    /** Healthy by the group's health check when it has one; without one, a running VM counts as healthy. */
    boolean healthy(boolean healthChecked) {
        return healthChecked ? "HEALTHY".equals(healthState) : "RUNNING".equals(status);
    }

    static String lastSegment(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /** The path segment after {@code marker}, e.g. the zone in {@code .../zones/europe-west1-b/instances/vm}. */
    static String segmentAfter(String url, String marker) {
        String[] parts = url.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].equals(marker)) {
                return parts[i + 1];
            }
        }
        return "";
    }
}
