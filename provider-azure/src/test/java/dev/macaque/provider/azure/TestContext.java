package dev.macaque.provider.azure;

import dev.macaque.spi.ProviderContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** A provider context for tests: given config, a fixed clock, the platform logger. */
record TestContext(String instanceId, Map<String, String> config) implements ProviderContext {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);

    @Override
    public Clock clock() {
        return CLOCK;
    }

    @Override
    public System.Logger logger() {
        return System.getLogger("test.azure." + instanceId);
    }
}
