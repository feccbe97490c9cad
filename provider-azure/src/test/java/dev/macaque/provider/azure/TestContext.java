package dev.macaque.provider.azure;

import dev.macaque.spi.CallGate;
import dev.macaque.spi.ProviderContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** A provider context for tests: given config and call gate, a fixed clock, the platform logger. */
record TestContext(String instanceId, Map<String, String> config, CallGate callGate) implements ProviderContext {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);

    TestContext(String instanceId, Map<String, String> config) {
        this(instanceId, config, CallGate.OPEN);
    }

    @Override
    public Clock clock() {
        return CLOCK;
    }

    @Override
    public System.Logger logger() {
        return System.getLogger("test.azure." + instanceId);
    }
}
