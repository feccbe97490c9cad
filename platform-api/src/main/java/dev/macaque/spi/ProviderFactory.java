package dev.macaque.spi;

import java.util.List;

/**
 * Entry point of a provider, discovered with {@link java.util.ServiceLoader}.
 *
 * <p>A factory is stateless and cheap to construct: the server instantiates every factory it finds at start,
 * even for provider types nobody configured, to list them. Work (credentials, clients) happens in
 * {@link #create(ProviderContext)}.
 */
public interface ProviderFactory {

    /** The provider type named in configuration, e.g. {@code aws}, {@code azure}, {@code gcp}, {@code simulated}. Lower case, unique. */
    String type();

    /**
     * The SPI version this factory was compiled against. Implementations return {@link SpiVersion#CURRENT}
     * (a constant that the compiler freezes into the plugin's class file); do not compute it at run time.
     */
    String spiVersion();

    /** One line for people: what this provider drives. */
    String description();

    /** The configuration keys {@link #create(ProviderContext)} understands; unknown keys are rejected by the server. */
    default List<ConfigKey> configKeys() {
        return List.of();
    }

    /**
     * Creates one provider instance. Validates the configuration and throws {@link ProviderException} of kind
     * {@link ProviderException.Kind#INVALID_REQUEST} naming the offending key when it is wrong. It should not
     * require the cloud to be reachable: connectivity problems surface on the first call instead.
     */
    CloudProvider create(ProviderContext context);
}
