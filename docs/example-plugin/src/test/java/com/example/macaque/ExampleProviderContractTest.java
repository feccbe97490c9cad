package com.example.macaque;

import dev.macaque.spi.CallGate;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.ProviderContext;
import dev.macaque.spi.contract.CloudProviderContract;
import dev.macaque.spi.contract.ContractFixture;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * Every behaviour the SPI asks of a provider, from Macaque's contract kit, against the example cloud's API served on
 * 127.0.0.1 by {@link FakeExampleCloud}.
 */
class ExampleProviderContractTest extends CloudProviderContract {
    private FakeExampleCloud cloud;

    @Override
    protected CloudProvider createProvider() throws Exception {
        cloud = new FakeExampleCloud()
                .group("eu-west-1", "api", 3, Map.of("macaque-enabled", "true", "team", "payments"))
                .group("us-east-1", "db", 2, Map.of("team", "storage"));
        return new ExampleFactory().create(context("example-1", Map.of("endpoint", cloud.endpoint())));
    }

    @Override
    protected ContractFixture fixture() {
        return new ContractFixture(new GroupRef("example-1", "eu-west-1", "api"),
                new GroupRef("example-1", "us-east-1", "db"), "team", "payments", "vm-9999");
    }

    @AfterEach
    void stopCloud() {
        cloud.close();
    }

    /** A context as the server builds it: the instance id and the instance's keys from macaque.yaml, as strings. */
    static ProviderContext context(String instanceId, Map<String, String> config) {
        return context(instanceId, config, CallGate.OPEN);
    }

    /** The same, with the call gate the server would hand out (SPI 1.4). */
    static ProviderContext context(String instanceId, Map<String, String> config, CallGate gate) {
        return new ProviderContext() {
            @Override public String instanceId() { return instanceId; }
            @Override public Map<String, String> config() { return config; }
            @Override public Clock clock() { return Clock.systemUTC(); }
            @Override public System.Logger logger() { return System.getLogger("example." + instanceId); }
            @Override public CallGate callGate() { return gate; }
        };
    }
}
