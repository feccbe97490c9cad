package dev.macaque.provider.aws;

import dev.macaque.spi.CallGate;
import dev.macaque.spi.ProviderContext;
import java.time.Clock;
import java.util.Map;

/** A {@link ProviderContext} as the server would build it, with a logger that tests can read. */
record TestContext(String instanceId, Map<String, String> config, RecordingLogger logger, CallGate callGate)
        implements ProviderContext {

    TestContext(String instanceId, Map<String, String> config) {
        this(instanceId, config, CallGate.OPEN);
    }

    TestContext(String instanceId, Map<String, String> config, CallGate gate) {
        this(instanceId, config, new RecordingLogger(), gate);
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }
}
