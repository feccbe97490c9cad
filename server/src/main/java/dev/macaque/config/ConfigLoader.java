package dev.macaque.config;

import dev.macaque.text.Suggestions;
import dev.macaque.text.Durations;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.macaque.text.Durations;
import dev.macaque.engine.FieldError;
import dev.macaque.engine.SpecValidationException;
import dev.macaque.schedule.KillSchedule;
import dev.macaque.schedule.KillScheduleParser;
import java.time.Duration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads {@code macaque.yaml}, applies {@code MACAQUE_*} environment overrides and validates the result.
 *
 * <p>Every key has an environment variable: its path upper-cased, dots and camel-case humps turned into
 * underscores ({@code server.port} ↔ {@code MACAQUE_SERVER_PORT}, {@code server.shutdownTimeout} ↔
 * {@code MACAQUE_SERVER_SHUTDOWN_TIMEOUT}, {@code providers.sim.speed} ↔ {@code MACAQUE_PROVIDERS_SIM_SPEED}).
 * A {@code MACAQUE_*} variable that matches no key is an error, so that a typo never goes unnoticed.
 */
public final class ConfigLoader {
    /** Variables of the launcher, not configuration keys. */
    private static final Set<String> RESERVED_ENV = Set.of("MACAQUE_HOME", "MACAQUE_OPTS", "MACAQUE_CONFIG",
            // the client commands' own (macaque run, experiments, ...), never configuration keys
            "MACAQUE_CLI_SERVER", "MACAQUE_CLI_TOKEN");
    private static final List<String> SCHEMA_KEYS = List.of(
            "server.host", "server.port", "server.shutdownTimeout", "mode", "plugins.directory",
            "logging.format", "logging.level", "database.url", "database.user", "database.password",
            "database.maxPoolSize", "notifications.maxAttempts", "notifications.initialBackoff", "cluster.nodeId",
            "cluster.leaseDuration", "cluster.pollInterval", "outageCheck.url", "outageCheck.timeout",
            "outageCheck.providerHealth", "limits.unauthenticatedPerSource", "limits.requestsPerToken",
            "limits.eventStreamsPerRun", "limits.eventStreams", "dashboard.sessionTimeout", "dashboard.simulationsDirectory",
            "safety.maxTerminationsPerHour", "safety.maxTerminationsPerDay", "safety.maxGroupsDegraded",
            "simulations.workers", "simulations.queue", "simulations.maxInstances", "simulations.maxDuration",
            "simulations.timeout", "simulations.keep", "inventory.refresh", "notifications.weeklyReport", "scorecard.freshness", "scorecard.groupBy",
            "scorecard.trendWeeks", "auth.oidc.issuer", "auth.oidc.clientId", "auth.oidc.clientSecret",
            "auth.oidc.roleClaim", "auth.oidc.redirectUri", "auth.oidc.clockSkew", "auth.tokens.dashboardSignIn");

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    private final Map<String, String> env;

    public ConfigLoader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** Loads {@code file}, or the built-in defaults when {@code file} is null; then applies the environment. */
    public MacaqueConfig load(Path file) {
        ObjectNode tree;
        String source;
        if (file == null) {
            tree = yaml.valueToTree(MacaqueConfig.defaults());
            source = "built-in defaults";
        } else {
            source = file.toString();
            tree = readFile(file);
        }
        List<String> errors = new ArrayList<>();
        applyEnvironment(tree, errors);
        MacaqueConfig config = null;
        try {
            config = yaml.treeToValue(tree, MacaqueConfig.class);
        } catch (JsonProcessingException e) {
            errors.add(describe(source, e, null));
        }
        if (config != null) {
            validate(config, source, errors);
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return config;
    }

    private ObjectNode readFile(Path file) {
        String text = readText(file);
        try {
            JsonNode node = yaml.readTree(text);
            if (node == null || node.isMissingNode()) {
                // Nothing but comments and blank lines: a file that sets nothing means the built-in defaults.
                return yaml.valueToTree(MacaqueConfig.defaults());
            }
            if (node.isNull()) {
                return JsonNodeFactory.instance.objectNode();
            }
            // Bind the text once so that errors carry the file's line numbers; the tree is what overrides edit.
            yaml.readValue(text, MacaqueConfig.class);
            if (!node.isObject()) {
                throw new ConfigException(List.of(file + ": the configuration must be a YAML mapping of keys"));
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw new ConfigException(List.of(describe(file.toString(), e, text)));
        }
    }

    /** The file as UTF-8 text; a binary file (not UTF-8, or holding NUL or other control bytes) is an error naming it. */
    private static String readText(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot read configuration file: " + e.getMessage()));
        }
        java.nio.charset.CharsetDecoder utf8 = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        String text;
        try {
            text = utf8.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ConfigException(List.of(file + ": not a text file: the configuration must be YAML in UTF-8, and this file is "
                    + "binary or in another encoding"));
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                throw new ConfigException(List.of(file + ": not a text file: it holds the control character U+"
                        + String.format("%04X", (int) c) + " at offset " + i + "; the configuration must be YAML in UTF-8"));
            }
        }
        return text;
    }

    private void applyEnvironment(ObjectNode tree, List<String> errors) {
        Map<String, String> keyByEnv = new TreeMap<>();
        for (String key : SCHEMA_KEYS) {
            keyByEnv.put(envName(key), key);
        }
        collectLeafKeys(tree.get("providers"), "providers", keyByEnv);
        for (Map.Entry<String, String> var : new TreeMap<>(env).entrySet()) {
            String name = var.getKey();
            if (!name.startsWith("MACAQUE_") || RESERVED_ENV.contains(name)) {
                continue;
            }
            String key = keyByEnv.get(name);
            if (key == null) {
                errors.add("environment variable " + name + " matches no configuration key"
                        + Suggestions.closest(name, keyByEnv.keySet()).map(s -> " (did you mean " + s + "?)").orElse(""));
                continue;
            }
            set(tree, key, var.getValue());
        }
    }

    private static void collectLeafKeys(JsonNode node, String path, Map<String, String> out) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                collectLeafKeys(field.getValue(), path + "." + field.getKey(), out);
            }
        } else {
            out.put(envName(path), path);
        }
    }

    private static void set(ObjectNode tree, String key, String value) {
        String[] parts = key.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (!(child instanceof ObjectNode)) {
                child = node.putObject(parts[i]);
            }
            node = (ObjectNode) child;
        }
        node.put(parts[parts.length - 1], value);
    }

    /** {@code server.shutdownTimeout} → {@code MACAQUE_SERVER_SHUTDOWN_TIMEOUT}. */
    public static String envName(String key) {
        String snake = key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').replace('-', '_');
        return "MACAQUE_" + snake.toUpperCase(Locale.ROOT);
    }

    private static void validate(MacaqueConfig config, String source, List<String> errors) {
        int port = config.server().port();
        if (port < 0 || port > 65535) {
            errors.add(source + ": server.port must be between 0 and 65535, was " + port);
        }
        if (config.server().host().isBlank()) {
            errors.add(source + ": server.host must not be blank");
        }
        try {
            Durations.parse(config.server().shutdownTimeout());
        } catch (IllegalArgumentException e) {
            errors.add(source + ": server.shutdownTimeout: " + e.getMessage());
        }
        Set<String> levels = new TreeSet<>(List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF"));
        if (!levels.contains(config.logging().level().toUpperCase(Locale.ROOT))) {
            errors.add(source + ": logging.level must be one of " + levels + ", was '" + config.logging().level() + "'");
        }
        if (!config.database().url().startsWith("jdbc:h2:") && !config.database().url().startsWith("jdbc:postgresql:")) {
            errors.add(source + ": database.url must be a jdbc:h2: or jdbc:postgresql: URL, was '" + JdbcUrls.redact(config.database().url()) + "'");
        }
        if (config.database().maxPoolSize() < 1) {
            errors.add(source + ": database.maxPoolSize must be >= 1, was " + config.database().maxPoolSize());
        }
        validateChaosMonkey(config, source, errors);
        validateAuth(config.auth(), source, errors);
        MacaqueConfig.LimitsConfig limits = config.limits();
        atLeastOne(source, "limits.unauthenticatedPerSource", limits.unauthenticatedPerSource(), errors);
        atLeastOne(source, "limits.requestsPerToken", limits.requestsPerToken(), errors);
        atLeastOne(source, "limits.eventStreamsPerRun", limits.eventStreamsPerRun(), errors);
        atLeastOne(source, "limits.eventStreams", limits.eventStreams(), errors);
        MacaqueConfig.SafetyConfig safety = config.safety();
        atLeastOne(source, "safety.maxTerminationsPerHour", safety.maxTerminationsPerHour(), errors);
        atLeastOne(source, "safety.maxTerminationsPerDay", safety.maxTerminationsPerDay(), errors);
        atLeastOne(source, "safety.maxGroupsDegraded", safety.maxGroupsDegraded(), errors);
        if (safety.stopConditions() != null && !safety.stopConditions().isNull()) {
            // The experiments' steady-state syntax, checked the same way, every error at once.
            new dev.macaque.engine.probe.ProbeParser((path, message) -> errors.add(source + ": " + path + " " + message))
                    .steadyState(safety.stopConditions(), "safety.stopConditions");
            JsonNode probes = safety.stopConditions().path("probes");
            for (int i = 0; i < probes.size(); i++) {
                if (probes.get(i).has("service")) {
                    errors.add(source + ": safety.stopConditions.probes[" + i + "].service reads the simulated world and only "
                            + "runs in 'macaque simulate'; a server's stop condition is an http or prometheus probe");
                }
            }
        }
        config.providers().forEach((id, settings) -> {
            if (!id.matches("[a-z0-9][a-z0-9-]{0,62}")) {
                errors.add(source + ": providers." + id + ": a provider id is lower-case letters, digits and '-'");
            }
            if (settings == null || !(settings.get("type") instanceof String type) || type.isBlank()) {
                errors.add(source + ": providers." + id + ".type is required (e.g. simulated, aws, azure, gcp)");
            }
        });
    }

    private static void validateAuth(MacaqueConfig.AuthConfig auth, String source, List<String> errors) {
        MacaqueConfig.OidcConfig oidc = auth.oidc();
        if (oidc == null) {
            if (!auth.tokens().dashboardSignIn()) {
                errors.add(source + ": auth.tokens.dashboardSignIn is false and auth.oidc is not configured: nobody could sign in "
                        + "to the dashboard");
            }
            return;
        }
        String at = source + ": auth.oidc.";
        if (oidc.issuer() == null || oidc.issuer().isBlank()) {
            errors.add(at + "issuer is required (the provider's issuer URL, e.g. https://login.example.com/realms/ops)");
        } else {
            webUrl(at + "issuer", oidc.issuer(), errors);
        }
        if (oidc.clientId() == null || oidc.clientId().isBlank()) {
            errors.add(at + "clientId is required (this server's client id at the provider)");
        }
        if (oidc.redirectUri() != null) {
            webUrl(at + "redirectUri", oidc.redirectUri(), errors);
        }
        if (!oidc.scopes().contains("openid")) {
            errors.add(at + "scopes must include 'openid', was " + oidc.scopes());
        }
        if (oidc.roleClaim().isBlank()) {
            errors.add(at + "roleClaim must not be blank");
        }
        if (oidc.roles().isEmpty()) {
            errors.add(at + "roles maps no claim value to a role: nobody could sign in (e.g. roles: {sre: operator})");
        }
        oidc.roles().forEach((value, mapping) -> {
            if (mapping == null || !MacaqueConfig.RoleMapping.ROLE_NAMES.contains(mapping.role())) {
                errors.add(at + "roles." + value + ": role must be one of " + String.join(", ", MacaqueConfig.RoleMapping.ROLE_NAMES)
                        + ", was " + (mapping == null || mapping.role() == null ? "absent" : "'" + mapping.role() + "'"));
            } else {
                mapping.scope().forEach((tag, wanted) -> {
                    if (tag.isBlank() || wanted == null || wanted.isBlank()) {
                        errors.add(at + "roles." + value + ".scope: a scope is tag: value pairs with neither blank, was " + mapping.scope());
                    }
                });
            }
        });
        for (String domain : oidc.allowedDomains()) {
            if (!domain.matches("[A-Za-z0-9.-]+\\.[A-Za-z]{2,}")) {
                errors.add(at + "allowedDomains: '" + domain + "' is not a domain name (e.g. example.com)");
            }
        }
        Duration skew = duration(source, "auth.oidc.clockSkew", oidc.clockSkew(), errors);
        if (skew != null && skew.compareTo(Duration.ofMinutes(5)) > 0) {
            errors.add(at + "clockSkew must be at most 5m, was '" + oidc.clockSkew() + "'");
        }
    }

    /** An https:// URL, or http:// on a loopback address (labs and tests): a sign-in over plain HTTP elsewhere leaks it. */
    private static void webUrl(String key, String value, List<String> errors) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(value);
        } catch (java.net.URISyntaxException e) {
            errors.add(key + " is not a URL: '" + value + "'");
            return;
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            errors.add(key + " must be an absolute https:// URL, was '" + value + "'");
        } else if ("http".equalsIgnoreCase(uri.getScheme())) {
            if (!isLoopback(uri.getHost())) {
                errors.add(key + " must use https:// (http:// is accepted on a loopback address only), was '" + value + "'");
            }
        } else if (!"https".equalsIgnoreCase(uri.getScheme())) {
            errors.add(key + " must be an https:// URL, was '" + value + "'");
        }
    }

    /** localhost, 127.0.0.0/8 or ::1, by its text alone (no name is looked up). */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}") || h.contains(":")) {
            try {
                return java.net.InetAddress.getByName(h).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    private static void atLeastOne(String source, String key, int value, List<String> errors) {
        if (value < 1) {
            errors.add(source + ": " + key + " must be >= 1, was " + value);
        }
    }

    private static void between(String source, String key, int value, int min, int max, List<String> errors) {
        if (value < min || value > max) {
            errors.add(source + ": " + key + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    private static void validateChaosMonkey(MacaqueConfig config, String source, List<String> errors) {
        duration(source, "notifications.initialBackoff", config.notifications().initialBackoff(), errors);
        if (config.notifications().maxAttempts() < 1 || config.notifications().maxAttempts() > 20) {
            errors.add(source + ": notifications.maxAttempts must be between 1 and 20, was " + config.notifications().maxAttempts());
        }
        for (int i = 0; i < config.notifications().webhooks().size(); i++) {
            MacaqueConfig.WebhookConfig hook = config.notifications().webhooks().get(i);
            String at = source + ": notifications.webhooks[" + i + "]";
            if (hook.url() == null || !(hook.url().startsWith("http://") || hook.url().startsWith("https://"))) {
                errors.add(at + ".url must be an http:// or https:// URL, was " + (hook.url() == null ? "absent" : "'" + hook.url() + "'"));
            }
            for (String event : hook.events()) {
                if (!dev.macaque.notify.event.NotificationType.WIRE_NAMES.contains(event)) {
                    errors.add(at + ".events: '" + event + "' is not an event (known: "
                            + String.join(", ", dev.macaque.notify.event.NotificationType.WIRE_NAMES) + ")");
                }
            }
        }
        Duration lease = duration(source, "cluster.leaseDuration", config.cluster().leaseDuration(), errors);
        Duration poll = duration(source, "cluster.pollInterval", config.cluster().pollInterval(), errors);
        if (lease != null && poll != null && lease.compareTo(poll.multipliedBy(2)) < 0) {
            errors.add(source + ": cluster.leaseDuration (" + config.cluster().leaseDuration()
                    + ") must be at least twice cluster.pollInterval (" + config.cluster().pollInterval() + ") so that leases are renewed in time");
        }
        String nodeId = config.cluster().nodeId();
        if (nodeId != null && !nodeId.matches("[A-Za-z0-9._-]{1,100}")) {
            errors.add(source + ": cluster.nodeId must be 1-100 letters, digits, '.', '_' or '-', was '" + nodeId + "'");
        }
        duration(source, "outageCheck.timeout", config.outageCheck().timeout(), errors);
        duration(source, "dashboard.sessionTimeout", config.dashboard().sessionTimeout(), errors);
        MacaqueConfig.SimulationsConfig simulations = config.simulations();
        duration(source, "simulations.maxDuration", simulations.maxDuration(), errors);
        duration(source, "simulations.timeout", simulations.timeout(), errors);
        Duration refresh = duration(source, "inventory.refresh", config.inventory().refresh(), errors);
        if (refresh != null && (refresh.compareTo(Duration.ofSeconds(1)) < 0 || refresh.compareTo(Duration.ofHours(1)) > 0)) {
            errors.add(source + ": inventory.refresh must be between 1s and 1h, was '" + config.inventory().refresh() + "'");
        }
        between(source, "simulations.workers", simulations.workers(), 1, 64, errors);
        between(source, "simulations.queue", simulations.queue(), 0, 1000, errors);
        between(source, "simulations.maxInstances", simulations.maxInstances(), 1, 10_000_000, errors);
        between(source, "simulations.keep", simulations.keep(), 1, 10_000, errors);
        MacaqueConfig.ScorecardConfig scorecard = config.scorecard();
        duration(source, "scorecard.freshness", scorecard.freshness(), errors);
        if (!scorecard.groupBy().matches("[A-Za-z0-9._:/-]{1,128}")) {
            errors.add(source + ": scorecard.groupBy must be a tag key (1-128 letters, digits, '.', '_', ':', '/' or '-'), was '"
                    + scorecard.groupBy() + "'");
        }
        between(source, "scorecard.trendWeeks", scorecard.trendWeeks(), 1, 104, errors);
        if (config.notifications().weeklyReport() && config.notifications().webhooks().isEmpty()) {
            errors.add(source + ": notifications.weeklyReport is true but no notifications.webhooks are configured to post it to");
        }
        String url = config.outageCheck().url();
        if (url != null && !(url.startsWith("http://") || url.startsWith("https://"))) {
            errors.add(source + ": outageCheck.url must be an http:// or https:// URL, was '" + url + "'");
        }
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < config.schedules().size(); i++) {
            try {
                KillSchedule schedule = new KillScheduleParser().parse(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(config.schedules().get(i)));
                if (!names.add(schedule.name())) {
                    errors.add(source + ": schedules[" + i + "].name '" + schedule.name() + "' is used by another schedule");
                }
            } catch (SpecValidationException e) {
                for (FieldError error : e.errors()) {
                    errors.add(source + ": schedules[" + i + "]" + (error.path().isEmpty() ? "" : "." + error.path()) + ": " + error.message());
                }
            }
        }
    }

    private static Duration duration(String source, String key, String value, List<String> errors) {
        try {
            Duration parsed = Durations.parse(value);
            if (parsed.isZero() || parsed.isNegative()) {
                errors.add(source + ": " + key + " must be > 0, was '" + value + "'");
                return null;
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            errors.add(source + ": " + key + ": " + e.getMessage());
            return null;
        }
    }

    private String describe(String source, JsonProcessingException e, String text) {
        StringBuilder out = new StringBuilder(source);
        JsonLocation location = e.getLocation();
        if (text != null && e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            // Records are bound after their whole mapping is read; point at the key itself instead.
            JsonLocation key = locate(text, mapping.getPath());
            location = key != null ? key : location;
        }
        if (location != null && location.getLineNr() > 0) {
            out.append(':').append(location.getLineNr()).append(':').append(location.getColumnNr());
        }
        out.append(": ");
        if (e instanceof UnrecognizedPropertyException unknown) {
            String path = JsonPaths.of(unknown);
            out.append("unknown key '").append(path).append('\'');
            Set<String> known = new TreeSet<>();
            if (unknown.getKnownPropertyIds() != null) {
                unknown.getKnownPropertyIds().forEach(id -> known.add(String.valueOf(id)));
            }
            Suggestions.closest(unknown.getPropertyName(), known).ifPresent(s -> out.append(" (did you mean '").append(s).append("'?)"));
            if (!known.isEmpty()) {
                out.append("; known keys here: ").append(String.join(", ", known));
            }
        } else if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            out.append(JsonPaths.of(mapping)).append(": ").append(JsonPaths.firstLine(mapping.getOriginalMessage()));
        } else {
            out.append(JsonPaths.firstLine(e.getOriginalMessage()));
        }
        return out.toString();
    }

    /** Where the key at {@code path} stands in {@code text}, or null. */
    private JsonLocation locate(String text, List<JsonMappingException.Reference> path) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            pointer.append('/').append(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
        }
        return ConfigKeyLocator.location(text, pointer.toString()).orElse(null);
    }


}
