package dev.macaque.provider.azure;

import com.azure.resourcemanager.compute.fluent.models.VirtualMachineScaleSetVMInner;
import com.azure.resourcemanager.compute.models.InstanceViewStatus;
import dev.macaque.spi.Instance;
import dev.macaque.spi.LifecycleState;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Maps a scale-set instance, read with its instance view, to an SPI {@link Instance}.
 *
 * <p>State: provisioning {@code Deleting} is terminating, {@code Creating} pending; otherwise the power state decides
 * ({@code running} in service, {@code starting} pending, stopping/stopped/deallocating/deallocated out of service).
 * Health: the application health extension's or load-balancer probe's verdict ({@code vmHealth}) when the scale set
 * has one; without it, a running instance whose provisioning succeeded counts as healthy. A failed provisioning is
 * never healthy.
 */
final class MemberState {
    private MemberState() {
    }

    static Instance toInstance(VirtualMachineScaleSetVMInner vm) {
        String provisioning = lower(vm.provisioningState());
        Optional<String> power = statusCode(vm, "PowerState/");
        LifecycleState state = state(provisioning, power);
        boolean healthy = state == LifecycleState.IN_SERVICE && !provisioning.equals("failed")
                && healthVerdict(vm).orElse(true);
        String zone = vm.zones() == null || vm.zones().isEmpty() ? "" : vm.zones().get(0);
        return new Instance(instanceId(vm), zone, state, healthy, launchTime(vm));
    }

    /**
     * The scale-set instance id. It is optional in the VM schema (the specification's minimal examples leave it
     * out); the resource id ends with it ({@code .../virtualMachineScaleSets/web/virtualMachines/3}), so it is taken
     * from there when absent.
     */
    static String instanceId(VirtualMachineScaleSetVMInner vm) {
        if (vm.instanceId() != null && !vm.instanceId().isBlank()) {
            return vm.instanceId();
        }
        String id = vm.id() == null ? "" : vm.id();
        int marker = id.toLowerCase(Locale.ROOT).lastIndexOf("/virtualmachines/");
        if (marker < 0 || marker + "/virtualmachines/".length() >= id.length()) {
            throw new IllegalArgumentException("scale-set instance without instanceId and without a resource id ending"
                    + " in /virtualMachines/{instanceId}: id=" + vm.id() + ", name=" + vm.name());
        }
        return id.substring(marker + "/virtualmachines/".length());
    }

    /** Whether Azure is deleting the instance already. */
    static boolean isDeleting(VirtualMachineScaleSetVMInner vm) {
        return lower(vm.provisioningState()).equals("deleting");
    }

    /** The instance's power state ({@code running}, {@code deallocated}, ...), or empty when Azure did not say. */
    static Optional<String> powerState(VirtualMachineScaleSetVMInner vm) {
        return statusCode(vm, "PowerState/");
    }

    private static LifecycleState state(String provisioning, Optional<String> power) {
        if (provisioning.equals("deleting")) {
            return LifecycleState.TERMINATING;
        }
        if (provisioning.equals("creating")) {
            return LifecycleState.PENDING;
        }
        return switch (power.orElse("")) {
            case "running" -> LifecycleState.IN_SERVICE;
            case "stopping", "stopped", "deallocating", "deallocated" -> LifecycleState.OUT_OF_SERVICE;
            // "starting", or no power state yet (instance view not populated while provisioning)
            default -> LifecycleState.PENDING;
        };
    }

    private static Optional<Boolean> healthVerdict(VirtualMachineScaleSetVMInner vm) {
        if (vm.instanceView() == null || vm.instanceView().vmHealth() == null
                || vm.instanceView().vmHealth().status() == null || vm.instanceView().vmHealth().status().code() == null) {
            return Optional.empty();
        }
        // HealthState/healthy | unhealthy | unknown | initializing: only an explicit "healthy" counts.
        return Optional.of(lower(vm.instanceView().vmHealth().status().code()).equals("healthstate/healthy"));
    }

    private static Optional<String> statusCode(VirtualMachineScaleSetVMInner vm, String prefix) {
        if (vm.instanceView() == null || vm.instanceView().statuses() == null) {
            return Optional.empty();
        }
        List<InstanceViewStatus> statuses = vm.instanceView().statuses();
        return statuses.stream().map(InstanceViewStatus::code).filter(c -> c != null && c.startsWith(prefix))
                .map(c -> lower(c.substring(prefix.length()))).findFirst();
    }

    private static Instant launchTime(VirtualMachineScaleSetVMInner vm) {
        OffsetDateTime created = vm.timeCreated();
        return created == null ? null : created.toInstant();
    }

    private static String lower(String value) {
        return value == null ? "" : value.toLowerCase(Locale.ROOT);
    }
}
