package dev.macaque.engine;

import dev.macaque.spi.CloudProvider;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The configured providers, by instance id. The server builds it from its plugins and configuration. */
public interface ProviderDirectory {

    /** Every provider, ordered by id. */
    List<CloudProvider> providers();

    default Optional<CloudProvider> provider(String id) {
        return providers().stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** A fixed directory of the given providers. */
    static ProviderDirectory of(CloudProvider... providers) {
        List<CloudProvider> sorted = java.util.Arrays.stream(providers).sorted(Comparator.comparing(CloudProvider::id)).toList();
        return () -> sorted;
    }
}
