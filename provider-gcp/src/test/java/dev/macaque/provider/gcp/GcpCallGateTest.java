package dev.macaque.provider.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.macaque.spi.CallGate;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.MemberTermination;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.VmGroup;
import dev.macaque.spi.testing.TestGates;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every HTTP request the provider sends to Compute passes the context's gate first (SPI 1.4): each page of the
 * aggregated listing, each member read, each poll of a long-running Operation, counted by the loopback Compute fake
 * the real client talks to.
 */
class GcpCallGateTest {
    private static final int GROUPS = 250;
    private static final int PAGES = 3;

    private FakeCompute compute;

    @BeforeEach
    void threePagesOfMigs() throws Exception {
        compute = new FakeCompute(Duration.ofMillis(50)).aggregatedPageSize(100);
        String template = compute.globalTemplate("shop-prod", "tpl", Map.of("macaque-enabled", "true"));
        for (int i = 0; i < GROUPS; i++) {
            compute.mig("shop-prod", "europe-west1-b", String.format("gate-%04d", i), List.of("europe-west1-b"), 2)
                    .templateUrl = template;
        }
    }

    @AfterEach
    void stop() {
        compute.close();
    }

    private CloudProvider provider(CallGate gate) {
        return new TestProviders().create("gcp-gate", compute.endpoint(), Map.of(GcpConfig.PROJECTS, "shop-prod"), gate);
    }

    @Test
    void eachPageEachReadAndEachOperationPollPassesTheGateOnce() {
        TestGates.Counting gate = new TestGates.Counting();
        try (CloudProvider provider = provider(gate)) {
            assertThat(provider.gatesEachRequest()).isTrue();

            assertThat(provider.listGroups(GroupFilter.ALL)).hasSize(GROUPS);

            List<String> listing = compute.requests();
            assertThat(listing.stream().filter(r -> r.endsWith("/aggregated/instanceGroupManagers"))).hasSize(PAGES);
            assertThat(gate.passed()).as("one pass per request the endpoint received: " + listing).hasSize(listing.size());
            assertThat(gate.passed()).filteredOn(op -> op.endsWith("/AggregatedList")).hasSize(PAGES);

            gate.reset();
            int before = compute.requests().size();
            GroupRef group = new GroupRef("gcp-gate", "europe-west1-b", "gate-0007");
            VmGroup read = provider.describeGroup(group);
            TerminationResult result = provider.terminate(new TerminationRequest(group, read.instances().get(0).id(),
                    false, "gate test", "gate-1"));

            assertThat(result.outcome()).isEqualTo(TerminationResult.Outcome.TERMINATED);
            List<String> received = compute.requests().subList(before, compute.requests().size());
            assertThat(received).as("the VM's delete Operation was polled").anyMatch(r -> r.contains("/operations/"));
            assertThat(gate.passed()).as("one pass per request the endpoint received: " + received).hasSize(received.size());
        }
    }

    @Test
    void aRequestTheGateRefusesIsNeverSentAndItsRefusalComesOutUnchanged() {
        CallGate refusing = operation -> {
            throw new ProviderException(ProviderException.Kind.THROTTLED, "budget used up for " + operation, null, false, null);
        };
        try (CloudProvider provider = provider(refusing)) {
            assertThatThrownBy(() -> provider.listGroups(GroupFilter.ALL))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.THROTTLED);
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).startsWith("budget used up for google.cloud.compute.v1.InstanceGroupManagers/");
                    });
            assertThat(compute.requests()).as("nothing reached the endpoint").isEmpty();
        }
    }

    /** Requests per second as the endpoint sees them, under 4 concurrent whole-fleet listings (3 pages each) × 3. */
    @Test
    void aRateLimitedGateBoundsTheRequestsPerSecondAtTheEndpointDuringConcurrentMultiPageListings() throws Exception {
        TestGates.FixedWindow gate = TestGates.tenPerSecond();
        try (CloudProvider provider = provider(gate)) {
            TestGates.assertBudgetHoldsAtTheEndpoint("gcp", provider, gate, GROUPS, PAGES, compute::requestMillis);
        }
    }

    private static boolean poll(String operation) {
        return operation.endsWith("Operations/Get");
    }

    /**
     * Compute accepted the recreate of two members, then the call budget refused its polls: the members are being
     * recreated, so the outcome is unknown (retryable, for the whole call), not each member's failure; the retry, with
     * the same requestId, is answered with the Operation Compute accepted first and recreates nothing more.
     */
    @Test
    void aBatchWhosePollsTheCallBudgetRefusesIsOutcomeUnknownAndItsRetryAwaitsTheSameOperation() {
        TestGates.Refusing gate = new TestGates.Refusing(GcpCallGateTest::poll);
        try (CloudProvider provider = new TestProviders().create("gcp-gate", compute.endpoint(),
                Map.of(GcpConfig.PROJECTS, "shop-prod", GcpConfig.TERMINATE_ACTION, "recreate"), gate)) {
            GroupRef group = new GroupRef("gcp-gate", "europe-west1-b", "gate-0007");
            List<TerminationRequest> requests = provider.describeGroup(group).instances().stream()
                    .map(vm -> new TerminationRequest(group, vm.id(), false, "gate test", "gate-" + vm.id())).toList();

            assertThatThrownBy(() -> provider.terminateMembers(group, requests))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
                        assertThat(e.retryable()).isTrue();
                        assertThat(e).hasMessageContaining("Compute accepted the operation")
                                .hasMessageContaining("no permit of the call budget").hasMessageContaining("may still complete");
                    });
            assertThat(gate.refused()).isPositive();

            gate.admitAll();
            List<MemberTermination> retried = provider.terminateMembers(group, requests);

            assertThat(retried).allSatisfy(o -> {
                assertThat(o.result().outcome()).isEqualTo(TerminationResult.Outcome.TERMINATED);
                assertThat(o.result().detail()).contains("operation operation-1-recreateInstances DONE");
            });
            assertThat(compute.requests()).filteredOn(r -> r.endsWith("/recreateInstances")).hasSize(2);
        }
    }

    /** The same for one member ({@code terminate}, deleting its VM): retryable, and the retry awaits the same Operation. */
    @Test
    void aDeleteWhosePollsTheCallBudgetRefusesIsOutcomeUnknownAndItsRetryAwaitsTheSameOperation() {
        TestGates.Refusing gate = new TestGates.Refusing(GcpCallGateTest::poll);
        try (CloudProvider provider = provider(gate)) {
            GroupRef group = new GroupRef("gcp-gate", "europe-west1-b", "gate-0007");
            TerminationRequest request = new TerminationRequest(group, provider.describeGroup(group).instances().get(0).id(),
                    false, "gate test", "gate-1");

            assertThatThrownBy(() -> provider.terminate(request)).isInstanceOfSatisfying(ProviderException.class, e -> {
                assertThat(e.kind()).isEqualTo(ProviderException.Kind.TRANSIENT);
                assertThat(e.retryable()).isTrue();
                assertThat(e).hasMessageContaining("Compute accepted the operation");
            });

            gate.admitAll();
            TerminationResult retried = provider.terminate(request);

            assertThat(retried.outcome()).isEqualTo(TerminationResult.Outcome.TERMINATED);
            assertThat(retried.detail()).contains("operation operation-1-delete DONE");
        }
    }

    /**
     * The clients poll Operations on a scheduler of {@code 2} threads, where a poll waits in the gate: with two polls
     * held there (the budget spent), a read of another group is still sent and answered, since requests go out on
     * their own threads (the provider's request pool; before it, gax's default channel executor, also apart from
     * the scheduler).
     */
    @Test
    void pollsHeldInTheGateDoNotHoldUpOtherRequests() throws Exception {
        java.util.concurrent.CountDownLatch budgetBack = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.Semaphore held = new java.util.concurrent.Semaphore(0);
        CallGate pollsWait = operation -> {
            if (poll(operation)) {
                held.release();
                try {
                    budgetBack.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        java.util.concurrent.ExecutorService engine = java.util.concurrent.Executors.newFixedThreadPool(3);
        try (CloudProvider provider = provider(pollsWait)) {
            List<java.util.concurrent.Future<TerminationResult>> kills = new java.util.ArrayList<>();
            for (String mig : List.of("gate-0001", "gate-0002")) {
                GroupRef group = new GroupRef("gcp-gate", "europe-west1-b", mig);
                String victim = provider.describeGroup(group).instances().get(0).id();
                kills.add(engine.submit(() -> provider.terminate(new TerminationRequest(group, victim, false, "gate test",
                        "held-" + mig))));
            }
            assertThat(held.tryAcquire(2, 10, java.util.concurrent.TimeUnit.SECONDS)).as("two polls wait in the gate").isTrue();

            java.util.concurrent.Future<VmGroup> read = engine.submit(() -> provider.describeGroup(
                    new GroupRef("gcp-gate", "europe-west1-b", "gate-0003")));

            assertThat(read.get(10, java.util.concurrent.TimeUnit.SECONDS).instances()).hasSize(2);
            budgetBack.countDown();
            for (java.util.concurrent.Future<TerminationResult> kill : kills) {
                assertThat(kill.get(10, java.util.concurrent.TimeUnit.SECONDS).outcome())
                        .isEqualTo(TerminationResult.Outcome.TERMINATED);
            }
        } finally {
            budgetBack.countDown();
            engine.shutdownNow();
        }
    }

    /** A request the budget admitted after a wait longer than {@code requestTimeout} is still sent and answered. */
    @Test
    void aRequestAdmittedLaterThanTheRequestTimeoutIsStillSent() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        CallGate slowFirstPermit = operation -> {
            if (asked.getAndIncrement() == 0) {
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (CloudProvider provider = new TestProviders().create("gcp-gate", compute.endpoint(),
                Map.of(GcpConfig.PROJECTS, "shop-prod", GcpConfig.REQUEST_TIMEOUT, "1s"), slowFirstPermit)) {
            assertThat(provider.describeGroup(new GroupRef("gcp-gate", "europe-west1-b", "gate-0003")).instances())
                    .hasSize(2);
            assertThat(compute.requests()).hasSize(asked.get());
        }
    }
}
