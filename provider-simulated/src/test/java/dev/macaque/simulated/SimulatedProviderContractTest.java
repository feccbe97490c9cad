package dev.macaque.simulated;

import dev.macaque.simulated.scenario.BootTime;
import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.contract.CloudProviderContract;
import dev.macaque.spi.contract.ContractFixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The SPI contract kit against a simulated world; replacement is awaited by advancing virtual time. */
class SimulatedProviderContractTest extends CloudProviderContract {
    private SimulatedWorld world;

    @Override
    protected CloudProvider createProvider() {
        world = SimulatedWorld.builder().seed(7)
                .group(GroupSpec.of("api", "eu-west-1", List.of("a", "b"), 3, new BootTime(Duration.ofSeconds(30), Duration.ofSeconds(90)),
                        Map.of("macaque-enabled", "true", "team", "payments")).withHealthCheckGrace(Duration.ofSeconds(15)))
                .group(GroupSpec.of("db", "us-east-1", List.of("a"), 2, BootTime.fixed(Duration.ofMinutes(2)), Map.of("team", "storage")))
                .group(GroupSpec.of("cache", "eu-west-1", List.of("a"), 1, BootTime.fixed(Duration.ofMinutes(1)), Map.of()))
                .build();
        return world.provider("sim");
    }

    @Override
    protected ContractFixture fixture() {
        return new ContractFixture(new GroupRef("sim", "eu-west-1", "api"), new GroupRef("sim", "us-east-1", "db"),
                "team", "payments", "api-9999");
    }

    @Override
    protected void awaitReplacement(GroupRef group) {
        for (int minute = 0; minute < 30 && !provider.health(group).atDesiredCapacity(); minute++) {
            world.runFor(Duration.ofMinutes(1));
        }
        if (!provider.health(group).atDesiredCapacity()) {
            throw new AssertionError("group " + group + " did not recover in 30 simulated minutes: " + provider.health(group));
        }
    }
}
