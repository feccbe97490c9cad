package dev.macaque.provider.azure;

import com.azure.core.management.AzureEnvironment;
import dev.macaque.spi.ConfigKey;
import dev.macaque.spi.ProviderException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Azure provider instance's configuration, read from the flattened map the server passes in.
 *
 * @param subscriptions      subscription ids to cover, in configured order
 * @param resourceGroups     resource groups to limit to (lower case); empty means every resource group
 * @param regions            scale-set locations to limit to (lower case, e.g. {@code westeurope}); empty means all
 * @param tenantId           Microsoft Entra tenant, or {@code null}
 * @param clientId           service principal or user-assigned managed identity client id, or {@code null}
 * @param clientSecret       service principal secret, or {@code null}; never logged, never in {@link #toString()}
 * @param environment        the Azure cloud (public, US Government, China)
 * @param managementEndpoint the Resource Manager endpoint, the environment's unless overridden
 * @param terminateAction    what terminate does
 * @param maxRetries         retries of a throttled or failed request (SDK retry policy)
 * @param operationTimeout   how long a long-running operation is awaited
 * @param pollInterval       long-running operation poll interval when Azure sends no {@code Retry-After}
 * @param requestTimeout     how long one HTTP response is awaited
 */
public record AzureProviderConfig(List<String> subscriptions, Set<String> resourceGroups, Set<String> regions,
                                  String tenantId, String clientId, String clientSecret, AzureEnvironment environment,
                                  String managementEndpoint, TerminateAction terminateAction, int maxRetries,
                                  Duration operationTimeout, Duration pollInterval, Duration requestTimeout) {

    static final String SUBSCRIPTIONS = "subscriptions";
    static final String RESOURCE_GROUPS = "resourceGroups";
    static final String REGIONS = "regions";
    static final String TENANT_ID = "tenantId";
    static final String CLIENT_ID = "clientId";
    static final String CLIENT_SECRET = "clientSecret";
    static final String ENVIRONMENT = "environment";
    static final String MANAGEMENT_ENDPOINT = "managementEndpoint";
    static final String TERMINATE_ACTION = "terminateAction";
    static final String MAX_RETRIES = "maxRetries";
    static final String OPERATION_TIMEOUT = "operationTimeout";
    static final String POLL_INTERVAL = "pollInterval";
    static final String REQUEST_TIMEOUT = "requestTimeout";

    /** Names accepted under {@code environment}, as the Azure CLI spells them ({@code az cloud list}). */
    static final Map<String, AzureEnvironment> ENVIRONMENTS = Map.of(
            "azurecloud", AzureEnvironment.AZURE,
            "azureusgovernment", AzureEnvironment.AZURE_US_GOVERNMENT,
            "azurechinacloud", AzureEnvironment.AZURE_CHINA);

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    static final List<ConfigKey> KEYS = List.of(
            ConfigKey.required(SUBSCRIPTIONS, "Comma-separated subscription ids (GUIDs) whose scale sets this instance covers."),
            ConfigKey.optional(RESOURCE_GROUPS, "Comma-separated resource groups to limit to; empty means all resource groups"
                    + " of every subscription.", ""),
            ConfigKey.optional(REGIONS, "Comma-separated Azure locations (e.g. westeurope,eastus2) to limit to; empty means all.", ""),
            ConfigKey.optional(TENANT_ID, "Microsoft Entra tenant id; required with clientSecret. Without clientSecret it"
                    + " selects the tenant for DefaultAzureCredential.", null),
            ConfigKey.optional(CLIENT_ID, "Service principal client id (with clientSecret and tenantId), or the client id of a"
                    + " user-assigned managed identity (alone). Absent: DefaultAzureCredential (environment, managed identity,"
                    + " Azure CLI...).", null),
            ConfigKey.secret(CLIENT_SECRET, "Service principal secret; requires clientId and tenantId. Never logged."),
            ConfigKey.optional(ENVIRONMENT, "Azure cloud: AzureCloud, AzureUSGovernment or AzureChinaCloud.", "AzureCloud"),
            ConfigKey.optional(MANAGEMENT_ENDPOINT, "Resource Manager endpoint override (https), e.g. for Azure Stack; the"
                    + " environment's endpoint when absent.", null),
            ConfigKey.optional(TERMINATE_ACTION, "What terminate does: delete (delete the instance and keep the scale set's"
                    + " capacity so Azure replaces it), deallocate, powerOff (skip shutdown), restart or reimage.", "delete"),
            ConfigKey.optional(MAX_RETRIES, "Retries of a throttled (429) or failed (5xx, network) request, honouring"
                    + " Retry-After; 0 to 10. 0 by default: the server retries throttled and transient calls in one place.", "0"),
            ConfigKey.optional(OPERATION_TIMEOUT, "How long a long-running operation (delete, capacity update, power action) is"
                    + " awaited: ISO-8601 (PT10M) or 30s / 10m.", "10m"),
            ConfigKey.optional(POLL_INTERVAL, "Long-running operation poll interval when Azure sends no Retry-After.", "10s"),
            ConfigKey.optional(REQUEST_TIMEOUT, "How long one HTTP response is awaited.", "60s"));

    public AzureProviderConfig {
        subscriptions = List.copyOf(subscriptions);
        resourceGroups = Set.copyOf(resourceGroups);
        regions = Set.copyOf(regions);
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(managementEndpoint, "managementEndpoint");
        Objects.requireNonNull(terminateAction, "terminateAction");
        Objects.requireNonNull(operationTimeout, "operationTimeout");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /** Reads and validates {@code config}; a wrong value is an {@code INVALID_REQUEST} naming the key. */
    public static AzureProviderConfig parse(Map<String, String> config) {
        Map<String, String> values = new HashMap<>();
        config.forEach((key, value) -> {
            if (value != null && !value.isBlank()) {
                values.put(key, value.trim());
            }
        });
        List<String> subscriptions = list(values.get(SUBSCRIPTIONS));
        if (subscriptions.isEmpty()) {
            throw invalid(SUBSCRIPTIONS, "is required: name at least one subscription id");
        }
        for (String subscription : subscriptions) {
            if (!GUID.matcher(subscription).matches()) {
                throw invalid(SUBSCRIPTIONS, "'" + subscription + "' is not a subscription id (a GUID such as"
                        + " 00000000-0000-0000-0000-000000000000)");
            }
        }
        String tenantId = values.get(TENANT_ID);
        if (tenantId != null && !GUID.matcher(tenantId).matches() && !tenantId.contains(".")) {
            throw invalid(TENANT_ID, "'" + tenantId + "' is neither a tenant GUID nor a domain name");
        }
        String clientId = values.get(CLIENT_ID);
        String clientSecret = values.get(CLIENT_SECRET);
        if (clientSecret != null && (clientId == null || tenantId == null)) {
            throw invalid(CLIENT_SECRET, "needs " + CLIENT_ID + " and " + TENANT_ID + " as well (service principal sign-in)");
        }
        AzureEnvironment environment = environment(values.getOrDefault(ENVIRONMENT, "AzureCloud"));
        String endpoint = Optional.ofNullable(values.get(MANAGEMENT_ENDPOINT)).map(AzureProviderConfig::endpoint)
                .orElse(environment.getResourceManagerEndpoint());
        TerminateAction action;
        try {
            action = TerminateAction.fromConfig(values.getOrDefault(TERMINATE_ACTION, "delete"));
        } catch (IllegalArgumentException e) {
            throw invalid(TERMINATE_ACTION, e.getMessage());
        }
        int maxRetries = integer(MAX_RETRIES, values.getOrDefault(MAX_RETRIES, "0"), 0, 10);
        return new AzureProviderConfig(subscriptions, lowerCaseSet(values.get(RESOURCE_GROUPS)),
                lowerCaseSet(values.get(REGIONS)), tenantId, clientId, clientSecret, environment, endpoint, action,
                maxRetries, duration(OPERATION_TIMEOUT, values.getOrDefault(OPERATION_TIMEOUT, "10m")),
                duration(POLL_INTERVAL, values.getOrDefault(POLL_INTERVAL, "10s")),
                duration(REQUEST_TIMEOUT, values.getOrDefault(REQUEST_TIMEOUT, "60s")));
    }

    /** The environment with its Resource Manager endpoint replaced by {@link #managementEndpoint()}. */
    AzureEnvironment effectiveEnvironment() {
        if (managementEndpoint.equals(environment.getResourceManagerEndpoint())) {
            return environment;
        }
        return withResourceManagerEndpoint(environment, managementEndpoint);
    }

    /** {@code environment} with requests sent to {@code endpoint} instead (a sovereign-cloud proxy, a test stub). */
    public static AzureEnvironment withResourceManagerEndpoint(AzureEnvironment environment, String endpoint) {
        // Start from the full endpoint map: an environment holding only this key makes the SDK fail with an NPE.
        Map<String, String> endpoints = new HashMap<>(environment.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", endpoint);
        return new AzureEnvironment(endpoints);
    }

    /** Whether group names carry the subscription id (several subscriptions configured). */
    boolean namesCarrySubscription() {
        return subscriptions.size() > 1;
    }

    @Override
    public String toString() {
        return "AzureProviderConfig[subscriptions=" + subscriptions + ", resourceGroups=" + resourceGroups
                + ", regions=" + regions + ", tenantId=" + tenantId + ", clientId=" + clientId
                + ", clientSecret=" + (clientSecret == null ? "absent" : "***") + ", managementEndpoint="
                + managementEndpoint + ", terminateAction=" + terminateAction.configName() + ", maxRetries=" + maxRetries
                + ", operationTimeout=" + operationTimeout + ", pollInterval=" + pollInterval
                + ", requestTimeout=" + requestTimeout + "]";
    }

    private static AzureEnvironment environment(String name) {
        AzureEnvironment environment = ENVIRONMENTS.get(name.toLowerCase(Locale.ROOT));
        if (environment == null) {
            throw invalid(ENVIRONMENT, "'" + name + "' is not one of AzureCloud, AzureUSGovernment, AzureChinaCloud");
        }
        return environment;
    }

    private static String endpoint(String value) {
        try {
            URI uri = new URI(value);
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw invalid(MANAGEMENT_ENDPOINT, "'" + value + "' must be an https URL such as"
                        + " https://management.usgovcloudapi.net/ (bearer tokens are only sent over https)");
            }
        } catch (URISyntaxException e) {
            throw invalid(MANAGEMENT_ENDPOINT, "'" + value + "' is not a URL: " + e.getMessage());
        }
        return value.endsWith("/") ? value : value + "/";
    }

    private static int integer(String key, String value, int min, int max) {
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                throw invalid(key, "'" + value + "' must be between " + min + " and " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw invalid(key, "'" + value + "' is not a whole number");
        }
    }

    static Duration duration(String key, String value) {
        Duration parsed;
        Matcher simple = SIMPLE_DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (simple.matches()) {
            long amount = Long.parseLong(simple.group(1));
            parsed = switch (simple.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        } else {
            try {
                parsed = Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw invalid(key, "'" + value + "' is not a duration (PT10M, 30s, 500ms, 10m, 1h)");
            }
        }
        if (parsed.isNegative() || parsed.isZero()) {
            throw invalid(key, "'" + value + "' must be positive");
        }
        return parsed;
    }

    private static List<String> list(String value) {
        if (value == null) {
            return List.of();
        }
        return List.copyOf(new LinkedHashSet<>(Arrays.stream(value.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList()));
    }

    private static Set<String> lowerCaseSet(String value) {
        return Set.copyOf(list(value).stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
    }

    private static ProviderException invalid(String key, String problem) {
        return new ProviderException(ProviderException.Kind.INVALID_REQUEST, "azure provider config key '" + key + "': " + problem);
    }
}
