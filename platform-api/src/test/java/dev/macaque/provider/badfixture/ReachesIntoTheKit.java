package dev.macaque.provider.badfixture;

import dev.macaque.spi.testing.InMemoryCloud;

/** A deliberately bad provider class (test sources only): it uses Macaque code outside the SPI. */
public final class ReachesIntoTheKit {
    private final InMemoryCloud borrowed = new InMemoryCloud("borrowed");

    public InMemoryCloud borrowed() {
        return borrowed;
    }
}
