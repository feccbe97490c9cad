package dev.macaque.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.management.AzureEnvironment;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.Instance;
import dev.macaque.spi.LifecycleState;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.contract.CloudProviderContract;
import dev.macaque.spi.contract.ContractFixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SPI contract against {@link ArmScaleSetStub}, a stateful stub of the ARM endpoints the provider uses, which
 * replaces a deleted instance the way Azure does once the scale set's capacity is back.
 */
class AzureContractTest extends CloudProviderContract {
    private static final String SUB = "0b1f6471-1bf0-4dda-aec3-111122223333";
    private static ArmScaleSetStub arm;
    private static HttpClient httpClient;

    @BeforeAll
    static void startStub() throws Exception {
        arm = new ArmScaleSetStub(Duration.ofMillis(200));
        httpClient = new NettyAsyncHttpClientBuilder().build();
    }

    @AfterAll
    static void stopStub() {
        arm.close();
    }

    @Override
    protected CloudProvider createProvider() {
        return providerWith(Map.of());
    }

    private static CloudProvider providerWith(Map<String, String> extraConfig) {
        // Scale-set instance ids are only unique within a scale set; the two groups get disjoint ids so that the kit's
        // "member of another group" test has an id that is really not a member of the opted-in group.
        arm.reset()
                .scaleSet(SUB, "rg-web", "web", "westeurope", 3,
                        Map.of("macaque-enabled", "true", "macaque-weight", "2", "team", "payments"), 0)
                .scaleSet(SUB, "rg-batch", "batch", "eastus2", 2, Map.of("team", "batch"), 100)
                .flexibleScaleSet(SUB, "rg-flex", "flex", "westeurope", 2, Map.of("macaque-enabled", "true"));
        Map<String, String> config = new java.util.HashMap<>(Map.of("subscriptions", SUB, "pollInterval", "20ms",
                "operationTimeout", "10s"));
        config.putAll(extraConfig);
        return AzureProviderFactory.create(new TestContext("azure-test", config),
                ArmConnection.pipeline(httpClient, new ExponentialBackoff(1, Duration.ofMillis(10), Duration.ofMillis(50))),
                AzureProviderConfig.withResourceManagerEndpoint(AzureEnvironment.AZURE, arm.baseUrl()));
    }

    @Override
    protected ContractFixture fixture() {
        return new ContractFixture(new GroupRef("azure-test", "westeurope", "rg-web/web"),
                new GroupRef("azure-test", "eastus2", "rg-batch/batch"), "team", "payments", "999");
    }

    @Override
    protected Duration recoveryTimeout() {
        return Duration.ofSeconds(10);
    }

    @Test
    void flexibleScaleSetsAreNotListed() {
        assertThat(provider.listGroups(GroupFilter.ALL)).extracting(GroupSummary::ref).extracting(GroupRef::name)
                .containsExactly("rg-batch/batch", "rg-web/web");
    }

    @Test
    void aKillDeletesTheInstanceAndPutsBackTheCapacityAzureRemoved() throws Exception {
        GroupRef group = fixture().optedIn();
        Instance victim = provider.describeGroup(group).healthyInService().get(0);

        provider.terminate(new TerminationRequest(group, victim.id(), false, "contract", "key-1"));

        String member = "/subscriptions/" + SUB + "/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachineScaleSets/web";
        assertThat(arm.mutations()).containsExactly("DELETE " + member + "/virtualMachines/" + victim.id(), "PATCH " + member);
        assertThat(arm.capacity(SUB, "rg-web", "web")).isEqualTo(3);
        awaitReplacement(group);
        List<String> ids = provider.describeGroup(group).instances().stream().map(Instance::id).toList();
        assertThat(ids).hasSize(3).doesNotContain(victim.id()).contains("3");
    }

    @Test
    void deallocateKeepsTheMemberOutOfServiceAndTheCapacityUnchanged() {
        GroupRef group = fixture().optedIn();
        try (CloudProvider deallocating = providerWith(Map.of("terminateAction", "deallocate"))) {
            Instance victim = deallocating.describeGroup(group).healthyInService().get(0);

            TerminationResult result = deallocating.terminate(new TerminationRequest(group, victim.id(), false, "contract", "k"));
            TerminationResult again = deallocating.terminate(new TerminationRequest(group, victim.id(), false, "contract", "k2"));

            assertThat(result.outcome()).isEqualTo(TerminationResult.Outcome.TERMINATED);
            assertThat(again.outcome()).isEqualTo(TerminationResult.Outcome.ALREADY_TERMINATED);
            assertThat(deallocating.describeGroup(group).instances()).filteredOn(i -> i.id().equals(victim.id()))
                    .singleElement().satisfies(i -> assertThat(i.state()).isEqualTo(LifecycleState.OUT_OF_SERVICE));
            assertThat(deallocating.health(group)).isEqualTo(new GroupHealth(group, 3, 2, 0));
            assertThat(arm.mutations()).singleElement().asString().endsWith("/virtualMachines/" + victim.id() + "/deallocate");
        }
    }
}
