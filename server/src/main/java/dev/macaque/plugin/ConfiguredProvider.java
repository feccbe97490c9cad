package dev.macaque.plugin;

import dev.macaque.spi.CloudProvider;
import java.util.Optional;

/**
 * One provider instance from the configuration, created or failed.
 *
 * @param id       the configured id, e.g. {@code sim}, {@code aws-prod}
 * @param type     the provider type it asked for
 * @param leashed  whether every termination through it is forced to dry-run
 * @param provider the live provider, or null when creation failed
 * @param error    why creation failed, or null
 */
public record ConfiguredProvider(String id, String type, boolean leashed, CloudProvider provider, String error) {

    public static ConfiguredProvider ready(String id, String type, boolean leashed, CloudProvider provider) {
        return new ConfiguredProvider(id, type, leashed, provider, null);
    }

    /** @param leashed whether it would have been leashed had it been created (the mode's answer, shown as is) */
    public static ConfiguredProvider failed(String id, String type, boolean leashed, String error) {
        return new ConfiguredProvider(id, type, leashed, null, error);
    }

    public boolean isReady() {
        return provider != null;
    }

    public Optional<CloudProvider> providerIfReady() {
        return Optional.ofNullable(provider);
    }
}
