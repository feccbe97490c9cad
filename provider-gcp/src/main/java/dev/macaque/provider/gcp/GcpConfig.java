package dev.macaque.provider.gcp;

import dev.macaque.spi.ConfigKey;
import dev.macaque.spi.ProviderException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One provider instance's configuration, parsed and validated from the flattened map the server hands over.
 *
 * @param projects         project ids covered (at least one)
 * @param regions          regions covered (regional MIGs there, and zonal MIGs in their zones); empty = all
 * @param zones            zones covered (zonal MIGs there); empty together with {@code regions} = all
 * @param credentialsFile  service-account key file, or empty for Application Default Credentials
 * @param endpoint         Compute API endpoint override (e.g. a Private Service Connect endpoint), or empty
 * @param terminateAction  how a member is killed
 * @param operationTimeout how long terminate waits for its Compute Operation
 * @param requestTimeout   how long one HTTP call may take
 */
public record GcpConfig(
        List<String> projects,
        Set<String> regions,
        Set<String> zones,
        Optional<Path> credentialsFile,
        Optional<String> endpoint,
        TerminateAction terminateAction,
        Duration operationTimeout,
        Duration requestTimeout) {

    public static final String PROJECTS = "projects";
    public static final String REGIONS = "regions";
    public static final String ZONES = "zones";
    public static final String CREDENTIALS_FILE = "credentialsFile";
    public static final String ENDPOINT = "endpoint";
    public static final String TERMINATE_ACTION = "terminateAction";
    public static final String OPERATION_TIMEOUT = "operationTimeout";
    public static final String REQUEST_TIMEOUT = "requestTimeout";

    static final Pattern PROJECT_ID = Pattern.compile("[a-z][a-z0-9.:-]{2,61}[a-z0-9]");
    static final Pattern REGION = Pattern.compile("[a-z]+(?:-[a-z]+)*[0-9]+");
    static final Pattern ZONE = Pattern.compile("[a-z]+(?:-[a-z]+)*[0-9]+-[a-z]");

    public static final List<ConfigKey> KEYS = List.of(
            ConfigKey.required(PROJECTS, "Comma-separated GCP project ids whose managed instance groups this instance"
                    + " covers. With more than one project, group names are written project/name."),
            ConfigKey.optional(REGIONS, "Comma-separated regions: regional MIGs there and zonal MIGs in their zones."
                    + " Empty with zones empty: every location.", ""),
            ConfigKey.optional(ZONES, "Comma-separated zones whose zonal MIGs are covered.", ""),
            // The path is not a secret (it is logged, to help find a wrong one); the file's content is and never is.
            ConfigKey.optional(CREDENTIALS_FILE, "Path to a service-account JSON key file. Absent: Application"
                    + " Default Credentials. The file's content is never logged.", null),
            ConfigKey.optional(ENDPOINT, "Compute API endpoint override, e.g. a Private Service Connect endpoint"
                    + " https://compute-myendpoint.p.googleapis.com (scheme required, no trailing path).", ""),
            ConfigKey.optional(TERMINATE_ACTION, "deleteVm: delete the VM, the MIG recreates it; recreate: MIG"
                    + " recreateInstances; deleteInstances: MIG deleteInstances, which SHRINKS the target size.",
                    TerminateAction.DELETE_VM.configValue()),
            ConfigKey.optional(OPERATION_TIMEOUT, "How long terminate waits for its Compute Operation, as ISO-8601"
                    + " (PT5M) or seconds (300s).", "300s"),
            ConfigKey.optional(REQUEST_TIMEOUT, "How long one Compute HTTP call may take, ISO-8601 or seconds.", "60s"));

    public GcpConfig {
        projects = List.copyOf(projects);
        regions = Set.copyOf(regions);
        zones = Set.copyOf(zones);
    }

    /** Parses and validates {@code config}; every problem is an {@code INVALID_REQUEST} naming the key. */
    public static GcpConfig parse(Map<String, String> config) {
        List<String> projects = list(config, PROJECTS);
        if (projects.isEmpty()) {
            throw new ProviderException(ProviderException.Kind.INVALID_REQUEST,
                    "gcp provider config key '" + PROJECTS + "' is required (comma-separated project ids)");
        }
        projects.forEach(p -> requireMatch(PROJECTS, p, PROJECT_ID, "a GCP project id such as my-project-123"));
        List<String> regions = list(config, REGIONS);
        regions.forEach(r -> requireMatch(REGIONS, r, REGION, "a region such as europe-west1"));
        List<String> zones = list(config, ZONES);
        zones.forEach(z -> requireMatch(ZONES, z, ZONE, "a zone such as europe-west1-b"));

        Optional<Path> credentialsFile = text(config, CREDENTIALS_FILE).map(Path::of);
        if (credentialsFile.isPresent() && !Files.isReadable(credentialsFile.get())) {
            throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "gcp provider config key '"
                    + CREDENTIALS_FILE + "': file " + credentialsFile.get() + " does not exist or is not readable");
        }
        Optional<String> endpoint = text(config, ENDPOINT).map(GcpConfig::endpoint);
        TerminateAction action = text(config, TERMINATE_ACTION)
                .map(v -> TerminateAction.parse(v, TERMINATE_ACTION)).orElse(TerminateAction.DELETE_VM);
        Duration operationTimeout = text(config, OPERATION_TIMEOUT).map(v -> duration(OPERATION_TIMEOUT, v))
                .orElse(Duration.ofMinutes(5));
        Duration requestTimeout = text(config, REQUEST_TIMEOUT).map(v -> duration(REQUEST_TIMEOUT, v))
                .orElse(Duration.ofSeconds(60));
        return new GcpConfig(projects, new TreeSet<>(regions), new TreeSet<>(zones), credentialsFile, endpoint,
                action, operationTimeout, requestTimeout);
    }

    /** Whether a MIG in {@code location} (a region or a zone) is covered by {@link #regions} and {@link #zones}. */
    public boolean covers(String location) {
        if (regions.isEmpty() && zones.isEmpty()) {
            return true;
        }
        if (ZONE.matcher(location).matches()) {
            return zones.contains(location) || regions.contains(regionOfZone(location));
        }
        return regions.contains(location);
    }

    static String regionOfZone(String zone) {
        return zone.substring(0, zone.lastIndexOf('-'));
    }

    static ProviderException invalid(String key, String value, String expected) {
        return new ProviderException(ProviderException.Kind.INVALID_REQUEST,
                "gcp provider config key '" + key + "': '" + value + "' is not valid; " + expected);
    }

    private static String endpoint(String value) {
        String trimmed = value.strip();
        // The client throws a NullPointerException on a trailing slash; a URL without scheme silently means TLS.
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (!trimmed.startsWith("https://") && !trimmed.startsWith("http://")) {
            throw invalid(ENDPOINT, value, "expected a URL with scheme, e.g. https://compute.googleapis.com");
        }
        if (trimmed.indexOf('/', trimmed.indexOf("//") + 2) >= 0) {
            throw invalid(ENDPOINT, value, "expected scheme://host[:port] without a path");
        }
        return trimmed;
    }


    static Duration duration(String key, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            Duration parsed;
            if (v.startsWith("p")) {
                parsed = Duration.parse(v.toUpperCase(Locale.ROOT));
            } else if (v.endsWith("ms")) {
                parsed = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("s")) {
                parsed = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("m")) {
                parsed = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            } else {
                parsed = Duration.ofSeconds(Long.parseLong(v));
            }
            if (!parsed.isNegative() && !parsed.isZero()) {
                return parsed;
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // reported below
        }
        throw invalid(key, value, "expected a positive duration such as 300s, 5m or PT5M");
    }

    private static Optional<String> text(Map<String, String> config, String key) {
        String value = config.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static List<String> list(Map<String, String> config, String key) {
        return text(config, key).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .distinct().toList()).orElse(List.of());
    }

    private static void requireMatch(String key, String value, Pattern pattern, String expected) {
        if (!pattern.matcher(value).matches()) {
            throw invalid(key, value, "expected " + expected);
        }
    }
}
