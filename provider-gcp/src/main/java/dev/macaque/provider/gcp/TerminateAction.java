package dev.macaque.provider.gcp;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How {@code terminate} kills a member of a managed instance group. */
public enum TerminateAction {
    /** Delete the VM itself; the MIG notices and recreates it under the same name (target size unchanged). */
    DELETE_VM("deleteVm"),
    /** Ask the MIG to {@code recreateInstances}: same name, new VM, target size unchanged. */
    RECREATE("recreate"),
    /** Ask the MIG to {@code deleteInstances}: the member is removed and the target size shrinks by one. */
    DELETE_INSTANCES("deleteInstances");

    private final String configValue;

    TerminateAction(String configValue) {
        this.configValue = configValue;
    }

    public String configValue() {
        return configValue;
    }

    /** Whether the group keeps its target size and so replaces the member. */
    public boolean keepsCapacity() {
        return this != DELETE_INSTANCES;
    }

    static TerminateAction parse(String value, String key) {
        for (TerminateAction action : values()) {
            if (action.configValue.equalsIgnoreCase(value.trim())) {
                return action;
            }
        }
        throw GcpConfig.invalid(key, value, "expected one of "
                + Arrays.stream(values()).map(TerminateAction::configValue).collect(Collectors.joining("|")));
    }
}
