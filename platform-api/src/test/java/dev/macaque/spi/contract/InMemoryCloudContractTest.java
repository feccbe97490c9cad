package dev.macaque.spi.contract;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.testing.InMemoryCloud;
import java.util.Map;

/** Checks the contract kit itself against the reference in-memory cloud. */
class InMemoryCloudContractTest extends CloudProviderContract {
    private InMemoryCloud cloud;

    @Override
    protected CloudProvider createProvider() {
        cloud = new InMemoryCloud("mem")
                .group("eu-west-1", "api", 3, Map.of("macaque-enabled", "true", "team", "payments"))
                .group("us-east-1", "db", 2, Map.of("team", "storage"));
        return cloud;
    }

    @Override
    protected ContractFixture fixture() {
        return new ContractFixture(new GroupRef("mem", "eu-west-1", "api"), new GroupRef("mem", "us-east-1", "db"),
                "team", "payments", "vm-9999");
    }

    @Override
    protected void awaitReplacement(GroupRef group) {
        cloud.heal();
    }
}
