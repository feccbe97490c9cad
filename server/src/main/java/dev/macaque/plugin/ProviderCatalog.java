package dev.macaque.plugin;

import java.util.List;
import java.util.Optional;

/**
 * Every provider type the server can create, in load order (built-ins first, then plugins by path), and every
 * plugin that failed to load.
 */
public record ProviderCatalog(List<InstalledProvider> installed, List<PluginLoadError> errors) {
    public ProviderCatalog {
        installed = List.copyOf(installed);
        errors = List.copyOf(errors);
    }

    public Optional<InstalledProvider> byType(String type) {
        return installed.stream().filter(p -> p.type().equals(type)).findFirst();
    }
}
