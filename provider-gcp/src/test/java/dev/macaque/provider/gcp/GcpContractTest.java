package dev.macaque.provider.gcp;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.contract.CloudProviderContract;
import dev.macaque.spi.contract.ContractFixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * The SPI contract against {@link FakeCompute}: a regional MIG opted in through its all-instances configuration
 * (its template carries the team label), and a zonal MIG that is not.
 */
class GcpContractTest extends CloudProviderContract {
    private FakeCompute compute;

    @Override
    protected CloudProvider createProvider() throws Exception {
        compute = new FakeCompute(Duration.ofMillis(300));
        FakeCompute.Mig web = compute.mig("shop-prod", "europe-west1", "web",
                List.of("europe-west1-b", "europe-west1-c", "europe-west1-d"), 3);
        web.templateUrl = compute.globalTemplate("shop-prod", "web-v1", Map.of("team", "payments"));
        web.allInstancesLabels = Map.of("macaque-enabled", "true");
        FakeCompute.Mig batch = compute.mig("shop-prod", "europe-west1-b", "batch", List.of("europe-west1-b"), 2);
        batch.templateUrl = compute.globalTemplate("shop-prod", "batch-v3", Map.of("team", "storage"));
        return new TestProviders().create("gcp-test", compute.endpoint(), config());
    }

    /** The provider's configuration; the endpoint is added. */
    protected Map<String, String> config() {
        return Map.of(GcpConfig.PROJECTS, "shop-prod");
    }

    protected FakeCompute compute() {
        return compute;
    }

    @Override
    protected ContractFixture fixture() {
        return new ContractFixture(new GroupRef("gcp-test", "europe-west1", "web"),
                new GroupRef("gcp-test", "europe-west1-b", "batch"), "team", "payments", "ghost-zz9@123456789");
    }

    @AfterEach
    void stopCompute() {
        compute.close();
    }
}
