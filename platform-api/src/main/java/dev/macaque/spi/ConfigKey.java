package dev.macaque.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * A configuration key that a provider understands.
 *
 * @param name         the key as written under the provider instance in {@code macaque.yaml}, e.g. {@code regions}
 * @param description  what it does, for people
 * @param required     whether {@link ProviderFactory#create(ProviderContext)} fails without it
 * @param secret       whether its value must never be logged or shown (credentials)
 * @param defaultValue the value used when the key is absent, or {@code null}
 */
public record ConfigKey(String name, String description, boolean required, boolean secret, String defaultValue) {

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
    }

    public static ConfigKey optional(String name, String description, String defaultValue) {
        return new ConfigKey(name, description, false, false, defaultValue);
    }

    public static ConfigKey required(String name, String description) {
        return new ConfigKey(name, description, true, false, null);
    }

    public static ConfigKey secret(String name, String description) {
        return new ConfigKey(name, description, false, true, null);
    }

    public Optional<String> defaultValueIfAny() {
        return Optional.ofNullable(defaultValue);
    }
}
