package dev.macaque.provider.azure;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What "terminate a member" does on Azure, chosen with the {@code terminateAction} key.
 *
 * <p>Only {@link #DELETE} removes the member and lets the scale set create a replacement, the way an AWS Auto Scaling
 * group replaces a member terminated without decrementing its desired capacity. The other actions keep the instance
 * (same instance id) and act on it: they test different failure modes and never change capacity.
 */
public enum TerminateAction {
    /**
     * Deletes the instance, then raises the scale set's capacity back by the one that Azure's delete took away, so
     * that Azure creates a replacement with a new instance id.
     */
    DELETE("delete", "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/delete",
            "Microsoft.Compute/virtualMachineScaleSets/write"),
    /** Stops the instance and releases its compute (billing stops); it stays a member, out of service. */
    DEALLOCATE("deallocate", "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/deallocate/action"),
    /** Powers the instance off at once ({@code skipShutdown=true}, like pulling the plug); still billed, stays a member. */
    POWER_OFF("powerOff", "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/powerOff/action"),
    /** Restarts the instance (graceful reboot); it comes back with the same id. */
    RESTART("restart", "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/restart/action"),
    /** Reimages the instance's OS disk from the scale set's image; it comes back with the same id. */
    REIMAGE("reimage", "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/reimage/action");

    private final String configName;
    private final List<String> requiredActions;

    TerminateAction(String configName, String... requiredActions) {
        this.configName = configName;
        this.requiredActions = List.of(requiredActions);
    }

    /** The value written under {@code terminateAction}. */
    public String configName() {
        return configName;
    }

    /** The Azure RBAC actions this terminate action performs (beyond reading). */
    public List<String> requiredActions() {
        return requiredActions;
    }

    /** Parses a configuration value, case-insensitively; throws {@link IllegalArgumentException} naming the choices. */
    public static TerminateAction fromConfig(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(a -> a.configName.toLowerCase(Locale.ROOT).equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + value + "' is not one of " + choices()));
    }

    static String choices() {
        return Arrays.stream(values()).map(TerminateAction::configName).collect(Collectors.joining(", "));
    }
}
