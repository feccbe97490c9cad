package dev.macaque.provider.azure;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Bodies in Azure Resource Manager's wire format (Compute API 2024-11-01), as a stub server sends them. */
final class ArmJson {
    static final String API_VERSION = "2024-11-01";

    private ArmJson() {
    }

    static String scaleSetPath(String subscription, String resourceGroup, String name) {
        return "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.Compute/virtualMachineScaleSets/" + name;
    }

    static String scaleSet(String subscription, String resourceGroup, String name, String location, long capacity,
                           Map<String, String> tags, String orchestrationMode) {
        String tagJson = tags.entrySet().stream().map(e -> quote(e.getKey()) + ":" + quote(e.getValue()))
                .collect(Collectors.joining(",", "{", "}"));
        return "{\"id\":" + quote(scaleSetPath(subscription, resourceGroup, name)) + ",\"name\":" + quote(name)
                + ",\"type\":\"Microsoft.Compute/virtualMachineScaleSets\",\"location\":" + quote(location)
                + ",\"tags\":" + tagJson
                + ",\"sku\":{\"name\":\"Standard_B1s\",\"tier\":\"Standard\",\"capacity\":" + capacity + "}"
                + ",\"properties\":{\"orchestrationMode\":" + quote(orchestrationMode)
                + ",\"provisioningState\":\"Succeeded\",\"upgradePolicy\":{\"mode\":\"Manual\"}}}";
    }

    /**
     * A scale-set instance with its instance view.
     *
     * @param power  power state without prefix ({@code running}), or {@code null} for no power status yet
     * @param health {@code healthy} / {@code unhealthy}, or {@code null} when the scale set has no health probe
     */
    static String member(String subscription, String resourceGroup, String scaleSet, String location, String instanceId,
                         String zone, String provisioningState, String power, String health) {
        StringBuilder statuses = new StringBuilder("[{\"code\":\"ProvisioningState/" + provisioningState.toLowerCase()
                + "\",\"level\":\"Info\",\"displayStatus\":\"Provisioning " + provisioningState.toLowerCase() + "\"}");
        if (power != null) {
            statuses.append(",{\"code\":\"PowerState/").append(power).append("\",\"level\":\"Info\"}");
        }
        statuses.append("]");
        String vmHealth = health == null ? "" : ",\"vmHealth\":{\"status\":{\"code\":\"HealthState/" + health
                + "\",\"level\":\"Info\"}}";
        return "{\"id\":" + quote(scaleSetPath(subscription, resourceGroup, scaleSet) + "/virtualMachines/" + instanceId)
                + ",\"name\":" + quote(scaleSet + "_" + instanceId) + ",\"instanceId\":" + quote(instanceId)
                + ",\"type\":\"Microsoft.Compute/virtualMachineScaleSets/virtualMachines\",\"location\":" + quote(location)
                + (zone.isEmpty() ? "" : ",\"zones\":[" + quote(zone) + "]")
                + ",\"sku\":{\"name\":\"Standard_B1s\",\"tier\":\"Standard\"}"
                + ",\"properties\":{\"latestModelApplied\":true,\"provisioningState\":" + quote(provisioningState)
                + ",\"timeCreated\":\"2026-11-20T10:00:00+00:00\""
                + ",\"instanceView\":{\"statuses\":" + statuses + vmHealth + "}}}";
    }

    static String page(List<String> values, String nextLink) {
        return "{\"value\":[" + String.join(",", values) + "]" + (nextLink == null ? "" : ",\"nextLink\":" + quote(nextLink)) + "}";
    }

    static String error(String code, String message) {
        return "{\"error\":{\"code\":" + quote(code) + ",\"message\":" + quote(message) + "}}";
    }

    static String permissions(List<String> actions, List<String> notActions) {
        return "{\"value\":[{\"actions\":" + array(actions) + ",\"notActions\":" + array(notActions)
                + ",\"dataActions\":[],\"notDataActions\":[]}]}";
    }

    static String asyncStatus(String status) {
        return "{\"startTime\":\"2026-11-26T12:00:00+00:00\",\"status\":" + quote(status) + ",\"name\":\"op\"}";
    }

    static String asyncFailure(String code, String message) {
        return "{\"startTime\":\"2026-11-26T12:00:00+00:00\",\"status\":\"Failed\",\"name\":\"op\",\"error\":{\"code\":"
                + quote(code) + ",\"message\":" + quote(message) + "}}";
    }

    private static String array(List<String> values) {
        return values.stream().map(ArmJson::quote).collect(Collectors.joining(",", "[", "]"));
    }

    static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
