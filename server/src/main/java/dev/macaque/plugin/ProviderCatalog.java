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

    /**
     * Closes the plugins' class loaders. Only for a catalog whose providers were never created (the start-up check
     * of the configuration loads one of its own): a live provider keeps using its loader.
     */
    public void closeLoaders() {
        for (InstalledProvider provider : installed) {
            if (provider.loader() instanceof PluginClassLoader plugin) {
                try {
                    plugin.close();
                } catch (java.io.IOException e) {
                    // nothing holds it any more; the GC releases what close could not
                }
            }
        }
    }

    public Optional<InstalledProvider> byType(String type) {
        return installed.stream().filter(p -> p.type().equals(type)).findFirst();
    }
}
