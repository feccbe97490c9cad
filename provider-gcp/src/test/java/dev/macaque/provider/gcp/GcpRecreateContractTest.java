package dev.macaque.provider.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SPI contract again with {@code terminateAction: recreate}: the MIG's recreateInstances keeps capacity too. */
class GcpRecreateContractTest extends GcpContractTest {

    @Override
    protected Map<String, String> config() {
        return Map.of(GcpConfig.PROJECTS, "shop-prod", GcpConfig.TERMINATE_ACTION, "recreate");
    }

    @Test
    void terminateAsksTheRegionalMigToRecreateAndNeverDeletesAVm() {
        String victim = provider.describeGroup(fixture().optedIn()).healthyInService().get(0).id();

        TerminationResult result = provider.terminate(
                new TerminationRequest(fixture().optedIn(), victim, false, "recreate test", "recreate-1"));

        assertThat(result.outcome()).isEqualTo(TerminationResult.Outcome.TERMINATED);
        assertThat(compute().requests())
                .contains("POST /compute/v1/projects/shop-prod/regions/europe-west1/instanceGroupManagers/web/recreateInstances")
                .noneMatch(r -> r.startsWith("DELETE"))
                .noneMatch(r -> r.endsWith("/deleteInstances"));
    }
}
