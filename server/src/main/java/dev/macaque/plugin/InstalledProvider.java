package dev.macaque.plugin;

import dev.macaque.spi.ProviderFactory;
import java.util.Objects;

/**
 * A provider type that loaded: built in, or from a plugin.
 *
 * @param factory the factory, loaded by {@code loader}
 * @param origin  {@code built-in}, or the plugin's path (a directory or a jar)
 * @param loader  the class loader every call into this provider must run under
 */
public record InstalledProvider(ProviderFactory factory, String origin, ClassLoader loader) {
    public static final String BUILT_IN = "built-in";

    public InstalledProvider {
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(loader, "loader");
    }

    public String type() {
        return factory.type();
    }

    /**
     * The plugin's own version ({@link ProviderFactory#pluginVersion()}, by default its jar's
     * {@code Implementation-Version}), or empty. A factory that fails to say has none: it is plugin code.
     */
    public java.util.Optional<String> pluginVersion() {
        try {
            return factory.pluginVersion();
        } catch (RuntimeException | LinkageError e) {
            return java.util.Optional.empty();
        }
    }

    public boolean builtIn() {
        return BUILT_IN.equals(origin);
    }
}
