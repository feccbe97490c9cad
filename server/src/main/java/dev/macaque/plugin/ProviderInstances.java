package dev.macaque.plugin;

import dev.macaque.cloudcalls.CallBudget;
import dev.macaque.cloudcalls.CallBudgetLimiter;
import dev.macaque.cloudcalls.CloudCallMetrics;
import dev.macaque.cloudcalls.GovernedCloudProvider;
import dev.macaque.config.ConfigKeyLocator;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.text.Suggestions;
import dev.macaque.spi.CallGate;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.ConfigKey;
import dev.macaque.spi.ProviderContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider instances named in the configuration, created from the {@link ProviderCatalog}. An instance that
 * cannot be created (unknown type, bad keys, a factory that throws) is kept with its error so that it shows up in
 * {@code GET /api/v1/providers} and {@code /health/ready}; the other instances still work.
 */
public final class ProviderInstances implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProviderInstances.class);
    /** The one provider type that may terminate for real while the server is leashed. */
    public static final String SIMULATED_TYPE = "simulated";

    private final Map<String, ConfiguredProvider> byId;

    private ProviderInstances(Map<String, ConfiguredProvider> byId) {
        this.byId = byId;
    }

    public static ProviderInstances create(ProviderCatalog catalog, MacaqueConfig config, Clock clock) {
        return create(catalog, config, clock, CloudCallMetrics.unscraped());
    }

    /** Every created instance is governed by its call budget and the retry rules ({@link GovernedCloudProvider}). */
    public static ProviderInstances create(ProviderCatalog catalog, MacaqueConfig config, Clock clock, CloudCallMetrics metrics) {
        return create(catalog, config, clock, metrics, GovernedCloudProvider.BUDGET_WAIT);
    }

    /** @param budgetWait how long a request or call waits for a permit of its instance's budget */
    static ProviderInstances create(ProviderCatalog catalog, MacaqueConfig config, Clock clock, CloudCallMetrics metrics,
                                    java.time.Duration budgetWait) {
        Map<String, ConfiguredProvider> byId = new LinkedHashMap<>();
        boolean leashedMode = config.mode() == MacaqueConfig.Mode.LEASHED;
        new TreeMap<>(config.providers()).forEach((id, settings) -> {
            String type = String.valueOf(settings.get("type"));
            byId.put(id, createOne(catalog, id, type, settings, leashedMode, clock, metrics, budgetWait));
        });
        return new ProviderInstances(byId);
    }

    /**
     * Checks every configured instance against the installed providers before anything starts: the type is
     * installed, every key is one its factory declares, every required key is there. Each problem names where it
     * was written ({@code file:line:column: providers.ID.KEY: ...}), like every other configuration error.
     */
    public static List<String> configurationProblems(ProviderCatalog catalog, MacaqueConfig config,
                                                     ConfigKeyLocator locator) {
        List<String> problems = new ArrayList<>();
        new TreeMap<>(config.providers()).forEach((id, settings) -> {
            String type = String.valueOf(settings.get("type"));
            for (String problem : CallBudget.parse(type, settings).problems()) {
                String key = problem.substring(0, problem.indexOf(':'));
                problems.add(locator.where(List.of("providers", id, key)) + ": providers." + id + "." + problem);
            }
            Optional<InstalledProvider> installed = catalog.byType(type);
            if (installed.isEmpty()) {
                problems.add(locator.where(List.of("providers", id, "type")) + ": providers." + id + ".type: "
                        + notInstalled(catalog, type));
                return;
            }
            for (KeyProblem problem : keyProblems(installed.get(), flat(settings))) {
                List<String> path = new ArrayList<>(List.of("providers", id));
                if (problem.key() != null) {
                    path.addAll(List.of(problem.key().split("\\.")));
                }
                problems.add(locator.where(path) + ": " + String.join(".", path) + ": " + problem.message());
            }
        });
        return problems;
    }

    private static String notInstalled(ProviderCatalog catalog, String type) {
        List<String> known = catalog.installed().stream().map(InstalledProvider::type).toList();
        return "provider type '" + type + "' is not installed (installed: " + String.join(", ", known) + ")"
                + Suggestions.closest(type, known).map(s -> "; did you mean '" + s + "'?").orElse("");
    }

    private static Map<String, String> flat(Map<String, Object> settings) {
        Map<String, String> flat = new TreeMap<>();
        settings.forEach((key, value) -> {
            // type and the call budget are the server's keys, not the plugin's
            if (!key.equals("type") && !CallBudget.KEYS.contains(key)) {
                flatten(key, value, flat);
            }
        });
        return flat;
    }

    private static ConfiguredProvider createOne(ProviderCatalog catalog, String id, String type,
            Map<String, Object> settings, boolean leashedMode, Clock clock, CloudCallMetrics metrics,
            java.time.Duration budgetWait) {
        // An instance that would be leashed says so even when it failed: it could never terminate for real.
        boolean leashed = leashedMode && !SIMULATED_TYPE.equals(type);
        Optional<InstalledProvider> installed = catalog.byType(type);
        if (installed.isEmpty()) {
            String error = notInstalled(catalog, type);
            log.error("Provider instance '{}': {}", id, error);
            return ConfiguredProvider.failed(id, type, leashed, error);
        }
        InstalledProvider provider = installed.get();
        CallBudget.Parsed budget = CallBudget.parse(type, settings);
        if (!budget.problems().isEmpty()) {
            String error = String.join("; ", budget.problems());
            log.error("Provider instance '{}' ({}): {}", id, type, error);
            return ConfiguredProvider.failed(id, type, leashed, error);
        }
        Map<String, String> flat = flat(settings);
        List<KeyProblem> problems = keyProblems(provider, flat);
        if (!problems.isEmpty()) {
            String error = problems.stream().map(KeyProblem::message).collect(Collectors.joining("; "));
            log.error("Provider instance '{}' ({}): {}", id, type, error);
            return ConfiguredProvider.failed(id, type, leashed, error);
        }
        // One limiter per instance: the gate the plugin calls per HTTP request and the per-call permits of
        // GovernedCloudProvider (for plugins that do not gate) spend the same budget.
        CallBudgetLimiter limiter = new CallBudgetLimiter(id, budget.budget(), budgetWait, metrics);
        ProviderContext context = new InstanceContext(id, Map.copyOf(flat), clock,
                System.getLogger("dev.macaque.provider." + id), limiter.gate());
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(provider.loader());
        try {
            CloudProvider created = GovernedCloudProvider.of(
                    new ClassLoaderSafeCloudProvider(provider.factory().create(context), provider.loader()), limiter, metrics);
            CloudProvider guarded = leashed ? new LeashedCloudProvider(created) : created;
            log.info("Provider instance '{}' ({}) is ready, at most {} {}/s (burst {}){}", id, type,
                    budget.budget().callsPerSecond(), created.gatesEachRequest() ? "HTTP requests" : "calls",
                    budget.budget().burst(), leashed ? "; leashed: terminations are dry runs" : "");
            return ConfiguredProvider.ready(id, type, leashed, guarded);
        } catch (RuntimeException | LinkageError e) {
            String error = "could not be created: " + e.getMessage();
            log.error("Provider instance '{}' ({}) {}", id, type, error, e);
            return ConfiguredProvider.failed(id, type, leashed, error);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** A problem with one instance's keys; {@code key} is the flat key, or null for the instance as a whole. */
    private record KeyProblem(String key, String message) {
    }

    private static List<KeyProblem> keyProblems(InstalledProvider provider, Map<String, String> flat) {
        List<ConfigKey> declared;
        try {
            declared = provider.factory().configKeys();
        } catch (RuntimeException | LinkageError e) {
            return List.of(new KeyProblem(null, "its factory failed to list its configuration keys: " + e));
        }
        if (declared.isEmpty()) {
            return List.of();
        }
        List<KeyProblem> problems = new ArrayList<>();
        Set<String> names = declared.stream().map(ConfigKey::name).collect(Collectors.toCollection(java.util.TreeSet::new));
        for (String key : flat.keySet()) {
            if (!names.contains(key)) {
                problems.add(new KeyProblem(key, "unknown key '" + key + "' for provider type '" + provider.type() + "'"
                        + Suggestions.closest(key, names).map(s -> " (did you mean '" + s + "'?)").orElse("")
                        + "; known keys: " + String.join(", ", names)));
            }
        }
        for (ConfigKey key : declared) {
            // Defaults stay the provider's to apply: it must be able to tell a key the user set from one left out.
            if (key.required() && !flat.containsKey(key.name())) {
                problems.add(new KeyProblem(null, "missing required key '" + key.name() + "': " + key.description()));
            }
        }
        return problems;
    }

    /** Nested maps become dotted keys, lists comma-joined values: the flat form {@link ProviderContext#config()} documents. */
    static void flatten(String prefix, Object value, Map<String, String> out) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(prefix + "." + k, v, out));
        } else if (value instanceof List<?> list) {
            out.put(prefix, list.stream().map(String::valueOf).collect(Collectors.joining(",")));
        } else {
            out.put(prefix, value == null ? "" : String.valueOf(value));
        }
    }

    public List<ConfiguredProvider> all() {
        return List.copyOf(byId.values());
    }

    public Optional<ConfiguredProvider> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Providers that were created, by id. */
    public Map<String, CloudProvider> ready() {
        Map<String, CloudProvider> ready = new LinkedHashMap<>();
        byId.values().forEach(p -> p.providerIfReady().ifPresent(cp -> ready.put(p.id(), cp)));
        return ready;
    }

    @Override
    public void close() {
        List<ConfiguredProvider> reversed = new ArrayList<>(byId.values());
        java.util.Collections.reverse(reversed);
        for (ConfiguredProvider p : reversed) {
            p.providerIfReady().ifPresent(cp -> {
                try {
                    cp.close();
                } catch (RuntimeException e) {
                    log.warn("Closing provider '{}' failed", p.id(), e);
                }
            });
        }
    }

    /** What a plugin gets; {@code callGate} spends the instance's call budget per HTTP request (SPI 1.4). */
    record InstanceContext(String instanceId, Map<String, String> config, Clock clock, System.Logger logger,
                           CallGate callGate) implements ProviderContext {
    }
}
