package dev.macaque.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.management.AzureEnvironment;
import dev.macaque.spi.CallGate;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.testing.TestGates;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every HTTP request the provider sends to Resource Manager passes the context's gate first (SPI 1.4): each page of a
 * listing, each retry of the SDK's retry policy, each poll of a long-running operation, counted by the loopback ARM
 * stub the real SDK talks to.
 */
class AzureCallGateTest {
    private static final String SUB = "11111111-2222-3333-4444-555555555555";
    private static final int GROUPS = 250;
    private static final int PAGES = 3;

    private final HttpClient httpClient = new NettyAsyncHttpClientBuilder().build();
    private ArmScaleSetStub arm;

    @BeforeEach
    void threePagesOfScaleSets() throws Exception {
        arm = new ArmScaleSetStub(Duration.ofMillis(50)).pageSize(100);
        for (int i = 0; i < GROUPS; i++) {
            arm.scaleSet(SUB, "rg-gate", String.format("vmss-%04d", i), "westeurope", 2,
                    Map.of("macaque-enabled", "true"), 0);
        }
    }

    @AfterEach
    void stop() {
        arm.close();
    }

    private CloudProvider provider(CallGate gate) {
        return AzureProviderFactory.create(
                new TestContext("az-gate", Map.of("subscriptions", SUB, "pollInterval", "20ms"), gate),
                ArmConnection.pipeline(httpClient, new ExponentialBackoff(2, Duration.ofMillis(10), Duration.ofMillis(50))),
                AzureProviderConfig.withResourceManagerEndpoint(AzureEnvironment.AZURE, arm.baseUrl()));
    }

    @Test
    void eachPageEachRetryAndEachOperationPollPassesTheGateOnce() {
        TestGates.Counting gate = new TestGates.Counting();
        try (CloudProvider provider = provider(gate)) {
            assertThat(provider.gatesEachRequest()).isTrue();
            arm.throttleNext(1);

            assertThat(provider.listGroups(GroupFilter.ALL)).hasSize(GROUPS);

            assertThat(arm.requests()).as("3 pages, the first answered 429 once and retried").hasSize(PAGES + 1);
            assertThat(gate.passed()).hasSize(arm.requests().size())
                    .allSatisfy(op -> assertThat(op).startsWith("GET /subscriptions/" + SUB)
                            .endsWith("/providers/Microsoft.Compute/virtualMachineScaleSets"));

            arm.forgetRequests();
            gate.reset();
            GroupRef group = new GroupRef("az-gate", "westeurope", "rg-gate/vmss-0007");
            TerminationResult result = provider.terminate(new TerminationRequest(group, "0", false, "gate test", "gate-1"));

            assertThat(result.outcome()).isEqualTo(TerminationResult.Outcome.TERMINATED);
            List<String> received = arm.requests();
            assertThat(received).as("the delete's operation was polled").anyMatch(r -> r.contains("/operations/"));
            assertThat(gate.passed()).as("one pass per request the endpoint received: " + received).hasSize(received.size());
        }
    }

    @Test
    void aRequestTheGateRefusesIsNeverSentAndIsNotRetried() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        CallGate refusing = operation -> {
            asked.incrementAndGet();
            throw new ProviderException(ProviderException.Kind.THROTTLED, "budget used up", null, false, null);
        };
        try (CloudProvider provider = provider(refusing)) {
            assertThatThrownBy(() -> provider.listGroups(GroupFilter.ALL))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.THROTTLED);
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).isEqualTo("budget used up");
                    });
            assertThat(arm.requests()).as("nothing reached the endpoint").isEmpty();
            assertThat(asked).as("the SDK's retry policy (2 retries) did not ask the gate again").hasValue(1);
        }
    }

    /** Requests per second as the endpoint sees them, under 4 concurrent whole-fleet listings (3 pages each) × 3. */
    @Test
    void aRateLimitedGateBoundsTheRequestsPerSecondAtTheEndpointDuringConcurrentMultiPageListings() throws Exception {
        TestGates.FixedWindow gate = TestGates.tenPerSecond();
        try (CloudProvider provider = provider(gate)) {
            TestGates.assertBudgetHoldsAtTheEndpoint("azure", provider, gate, GROUPS, PAGES, arm::requestMillis);
        }
    }
}
