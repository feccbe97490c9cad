package dev.macaque.provider.aws;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.contract.CloudProviderContract;
import dev.macaque.spi.contract.ContractFixture;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SPI contract kit, run against the real SDK talking to moto. */
class AwsProviderMotoContractTest extends CloudProviderContract {

    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private final MotoWorld world = new MotoWorld(MOTO);

    @Override
    protected CloudProvider createProvider() throws Exception {
        world.freshFixture();
        return world.factory().create(new TestContext(MotoWorld.PROVIDER_ID, world.config(Map.of())));
    }

    @Override
    protected ContractFixture fixture() {
        return world.fixture();
    }

    @Override
    protected Duration recoveryTimeout() {
        return Duration.ofSeconds(20);
    }
}
