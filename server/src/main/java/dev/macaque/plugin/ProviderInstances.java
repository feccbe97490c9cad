package dev.macaque.plugin;

import dev.macaque.config.MacaqueConfig;
import dev.macaque.text.Suggestions;
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
        Map<String, ConfiguredProvider> byId = new LinkedHashMap<>();
        boolean leashedMode = config.mode() == MacaqueConfig.Mode.LEASHED;
        new TreeMap<>(config.providers()).forEach((id, settings) -> {
            String type = String.valueOf(settings.get("type"));
            byId.put(id, createOne(catalog, id, type, settings, leashedMode, clock));
        });
        return new ProviderInstances(byId);
    }

    private static ConfiguredProvider createOne(ProviderCatalog catalog, String id, String type,
            Map<String, Object> settings, boolean leashedMode, Clock clock) {
        Optional<InstalledProvider> installed = catalog.byType(type);
        if (installed.isEmpty()) {
            String known = catalog.installed().stream().map(InstalledProvider::type).collect(Collectors.joining(", "));
            String error = "provider type '" + type + "' is not installed (installed: " + known + ")"
                    + Suggestions.closest(type, catalog.installed().stream().map(InstalledProvider::type).toList())
                            .map(s -> "; did you mean '" + s + "'?").orElse("");
            log.error("Provider instance '{}': {}", id, error);
            return ConfiguredProvider.failed(id, type, error);
        }
        InstalledProvider provider = installed.get();
        Map<String, String> flat = new TreeMap<>();
        settings.forEach((key, value) -> {
            if (!key.equals("type")) {
                flatten(key, value, flat);
            }
        });
        List<String> problems;
        try {
            problems = checkKeys(provider.factory().configKeys(), flat);
        } catch (RuntimeException e) {
            problems = List.of("its factory failed to list its configuration keys: " + e);
        }
        if (!problems.isEmpty()) {
            String error = String.join("; ", problems);
            log.error("Provider instance '{}' ({}): {}", id, type, error);
            return ConfiguredProvider.failed(id, type, error);
        }
        ProviderContext context = new InstanceContext(id, Map.copyOf(flat), clock,
                System.getLogger("dev.macaque.provider." + id));
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(provider.loader());
        try {
            CloudProvider created = new ClassLoaderSafeCloudProvider(provider.factory().create(context), provider.loader());
            boolean leashed = leashedMode && !SIMULATED_TYPE.equals(type);
            CloudProvider guarded = leashed ? new LeashedCloudProvider(created) : created;
            log.info("Provider instance '{}' ({}) is ready{}", id, type, leashed ? "; leashed: terminations are dry runs" : "");
            return ConfiguredProvider.ready(id, type, leashed, guarded);
        } catch (RuntimeException | LinkageError e) {
            String error = "could not be created: " + e.getMessage();
            log.error("Provider instance '{}' ({}) {}", id, type, error, e);
            return ConfiguredProvider.failed(id, type, error);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static List<String> checkKeys(List<ConfigKey> declared, Map<String, String> flat) {
        if (declared.isEmpty()) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        Set<String> names = declared.stream().map(ConfigKey::name).collect(Collectors.toCollection(java.util.TreeSet::new));
        for (String key : flat.keySet()) {
            if (!names.contains(key)) {
                problems.add("unknown key '" + key + "'" + Suggestions.closest(key, names).map(s -> " (did you mean '" + s + "'?)").orElse("")
                        + "; known keys: " + String.join(", ", names));
            }
        }
        for (ConfigKey key : declared) {
            // Defaults stay the provider's to apply: it must be able to tell a key the user set from one left out.
            if (key.required() && !flat.containsKey(key.name())) {
                problems.add("missing required key '" + key.name() + "': " + key.description());
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

    private record InstanceContext(String instanceId, Map<String, String> config, Clock clock, System.Logger logger)
            implements ProviderContext {
    }
}
