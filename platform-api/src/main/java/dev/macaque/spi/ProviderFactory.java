package dev.macaque.spi;

import java.util.List;
import java.util.Optional;

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

    /**
     * The plugin's own version, shown by {@code macaque providers} and {@code GET /api/v1/providers} beside the SPI
     * version. Since SPI 1.1. The default reads {@code Implementation-Version} from the manifest of the jar this
     * factory's class was loaded from (Maven: {@code maven-jar-plugin} with
     * {@code <addDefaultImplementationEntries>true</addDefaultImplementationEntries>}); empty when the manifest has
     * none.
     */
    default Optional<String> pluginVersion() {
        Package own = getClass().getPackage();
        String version = own == null ? null : own.getImplementationVersion();
        return version == null || version.isBlank() ? Optional.empty() : Optional.of(version.trim());
    }

    /** One line for people: what this provider drives. */
    String description();

    /** The configuration keys {@link #create(ProviderContext)} understands; unknown keys are rejected by the server. */
    default List<ConfigKey> configKeys() {
        return List.of();
    }

    /**
     * Creates one provider instance. Validates the configuration and throws {@link ProviderException} of kind
     * {@link ProviderException.Kind#INVALID_REQUEST} naming the offending key when it is wrong (a value that does
     * not parse, keys that contradict each other). The server has already refused unknown keys and missing
     * {@link ConfigKey#required() required} ones before calling this, so a required key is always present in
     * {@link ProviderContext#config()}; values arrive as strings (see {@link ProviderContext#config()}). It should not
     * require the cloud to be reachable: connectivity problems surface on the first call instead.
     */
    CloudProvider create(ProviderContext context);
}
