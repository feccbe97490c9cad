package dev.macaque.provider.azure;

import java.util.Objects;

/**
 * Where a scale set lives: subscription, resource group and name. Scale-set names are unique only within a resource
 * group, so a {@link dev.macaque.spi.GroupRef} names a scale set as {@code resourceGroup/scaleSet}, prefixed with
 * {@code subscriptionId/} when the provider covers several subscriptions.
 */
record ScaleSetId(String subscriptionId, String resourceGroup, String name) {

    ScaleSetId {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        Objects.requireNonNull(resourceGroup, "resourceGroup");
        Objects.requireNonNull(name, "name");
    }

    /**
     * Reads a scale set's identity from its ARM resource id,
     * {@code /subscriptions/S/resourceGroups/RG/providers/Microsoft.Compute/virtualMachineScaleSets/NAME}.
     */
    static ScaleSetId fromResourceId(String resourceId) {
        String[] parts = resourceId.split("/");
        // ["", "subscriptions", S, "resourceGroups", RG, "providers", "Microsoft.Compute", "virtualMachineScaleSets", NAME]
        if (parts.length < 9 || !parts[1].equalsIgnoreCase("subscriptions") || !parts[3].equalsIgnoreCase("resourceGroups")
                || !parts[7].equalsIgnoreCase("virtualMachineScaleSets")) {
            throw new IllegalArgumentException("not a scale set resource id: " + resourceId);
        }
        return new ScaleSetId(parts[2], parts[4], parts[8]);
    }

    /** The scale set's ARM resource id, as the REST specification spells it. */
    String resourceId() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.Compute/virtualMachineScaleSets/" + name;
    }

    /** The {@link dev.macaque.spi.GroupRef#name()} of this scale set. */
    String groupName(boolean withSubscription) {
        return (withSubscription ? subscriptionId + "/" : "") + resourceGroup + "/" + name;
    }
}
