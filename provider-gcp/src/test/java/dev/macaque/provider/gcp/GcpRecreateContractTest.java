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

    @Test
    void severalMembersGoDownInOneRecreateInstancesCallEachWithItsOutcomeAndARepeatSendsNothing() {
        java.util.List<String> ids = provider.describeGroup(fixture().optedIn()).healthyInService().stream()
                .map(dev.macaque.spi.Instance::id).toList();
        assertThat(ids).hasSizeGreaterThanOrEqualTo(2);
        java.util.List<TerminationRequest> requests = java.util.List.of(
                new TerminationRequest(fixture().optedIn(), ids.get(0), false, "zone outage", "zone-1"),
                new TerminationRequest(fixture().optedIn(), "stranger-vm", false, "zone outage", "zone-2"),
                new TerminationRequest(fixture().optedIn(), ids.get(1), false, "zone outage", "zone-3"));
        int before = compute().requests().size();

        java.util.List<dev.macaque.spi.MemberTermination> outcomes = provider.terminateMembers(fixture().optedIn(), requests);

        assertThat(outcomes).extracting(o -> o.request().instanceId()).containsExactly(ids.get(0), "stranger-vm", ids.get(1));
        assertThat(outcomes.get(0).result().outcome()).isEqualTo(TerminationResult.Outcome.TERMINATED);
        assertThat(outcomes.get(0).result().detail()).contains("recreateInstances " + ids.get(0) + ", " + ids.get(1));
        assertThat(outcomes.get(1).error().kind()).isEqualTo(dev.macaque.spi.ProviderException.Kind.NOT_FOUND);
        assertThat(outcomes.get(2).result().outcome()).isEqualTo(TerminationResult.Outcome.TERMINATED);
        java.util.List<String> sent = compute().requests().subList(before, compute().requests().size());
        assertThat(sent).filteredOn(r -> r.endsWith("/recreateInstances")).as("one call for both members").hasSize(1);

        int afterFirst = compute().requests().size();
        java.util.List<dev.macaque.spi.MemberTermination> again = provider.terminateMembers(fixture().optedIn(), requests);
        assertThat(again.get(0).result()).isEqualTo(outcomes.get(0).result());
        assertThat(again.get(2).result()).isEqualTo(outcomes.get(2).result());
        assertThat(compute().requests().subList(afterFirst, compute().requests().size()))
                .as("the same keys kill nothing twice").noneMatch(r -> r.endsWith("/recreateInstances"));
    }
}
