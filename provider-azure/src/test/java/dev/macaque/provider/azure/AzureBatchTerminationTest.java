package dev.macaque.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.management.AzureEnvironment;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.MemberTermination;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderException.Kind;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.TerminationResult.Outcome;
import dev.macaque.spi.testing.TestGates;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code terminateMembers} with {@code terminateAction: delete}: the real SDK against the stateful ARM stub on
 * 127.0.0.1, which speaks VirtualMachineScaleSets_DeleteInstances as ARM does. The scale set {@code rg-web/web} starts
 * with capacity 6 and instances 0–5.
 */
class AzureBatchTerminationTest {
    private static final String SUB = "0b1f6471-1bf0-4dda-aec3-111122223333";
    private static final String WEB = ArmJson.scaleSetPath(SUB, "rg-web", "web");
    private static final GroupRef GROUP = new GroupRef("azure-batch", "westeurope", "rg-web/web");
    private ArmScaleSetStub arm;
    private HttpClient httpClient;
    private CloudProvider provider;

    @BeforeEach
    void start() throws Exception {
        // Replacements stay "Creating" for the whole test, so that instance ids stay put while we look.
        arm = new ArmScaleSetStub(Duration.ofMinutes(5));
        httpClient = new NettyAsyncHttpClientBuilder().build();
        arm.reset().scaleSet(SUB, "rg-web", "web", "westeurope", 6, Map.of("macaque-enabled", "true"), 0);
        provider = AzureProviderFactory.create(new TestContext("azure-batch", Map.of("subscriptions", SUB,
                        "pollInterval", "20ms", "operationTimeout", "10s")),
                ArmConnection.pipeline(httpClient, new ExponentialBackoff(1, Duration.ofMillis(10), Duration.ofMillis(50))),
                AzureProviderConfig.withResourceManagerEndpoint(AzureEnvironment.AZURE, arm.baseUrl()));
    }

    @AfterEach
    void stop() {
        provider.close();
        arm.close();
    }

    private static TerminationRequest kill(String instanceId, boolean dryRun) {
        return new TerminationRequest(GROUP, instanceId, dryRun, "run-7", "run-7/" + instanceId);
    }

    private static List<TerminationRequest> kills(boolean dryRun, String... instanceIds) {
        return Stream.of(instanceIds).map(id -> kill(id, dryRun)).toList();
    }

    private long count(String request) {
        return arm.requests().stream().filter(request::equals).count();
    }

    @Test
    void theMembersGoInOneDeleteInstancesRequestAndOneCapacityUpdatePutsThemAllBack() {
        List<MemberTermination> outcomes = provider.terminateMembers(GROUP, kills(false, "1", "2", "4"));

        assertThat(outcomes).extracting(o -> o.result().outcome()).containsOnly(Outcome.TERMINATED);
        assertThat(outcomes).extracting(o -> o.request().instanceId()).containsExactly("1", "2", "4");
        assertThat(outcomes.get(0).result().detail()).contains("in one deleteInstances request (1, 2, 4)",
                "capacity restored from 3 to 6 so that Azure creates replacements");
        assertThat(arm.deleteInstancesCalls()).containsExactly(List.of("1", "2", "4"));
        assertThat(arm.mutations()).containsExactly("POST " + WEB + "/delete", "PATCH " + WEB);
        assertThat(arm.capacity(SUB, "rg-web", "web")).isEqualTo(6);
        // 0, 3, 5 kept; 6, 7, 8 are Azure's replacements
        assertThat(arm.instanceIds(SUB, "rg-web", "web")).containsExactly("0", "3", "5", "6", "7", "8");
    }

    /**
     * Three things at once: 2 is already being deleted by someone else, 4 left the scale set before the call (never
     * seen by this provider), and 3 vanishes (a scale-in) between the provider's read and its batch delete, so that ARM
     * refuses the first request whole (400 InvalidParameter). Each gets what {@code terminate} says of it; 0 and 5
     * are deleted; the capacity the scale-in took is not put back.
     */
    @Test
    void membersAlreadyGoneGetTerminatesOutcomeAndTheOthersAreDeleted() {
        arm.startDeleting(SUB, "rg-web", "web", "2"); // capacity 5
        arm.remove(SUB, "rg-web", "web", "4");        // capacity 4
        arm.vanishBeforeNextDeleteInstances(SUB, "rg-web", "web", "3"); // capacity 3 once the batch arrives

        List<MemberTermination> outcomes = provider.terminateMembers(GROUP, kills(false, "0", "2", "3", "4", "5"));

        assertThat(outcomes.get(0).result().outcome()).isEqualTo(Outcome.TERMINATED);
        assertThat(outcomes.get(1).result().outcome()).isEqualTo(Outcome.ALREADY_TERMINATED);
        assertThat(outcomes.get(1).result().detail()).contains("already being deleted");
        assertThat(outcomes.get(2).result().outcome()).isEqualTo(Outcome.ALREADY_TERMINATED);
        assertThat(outcomes.get(2).result().detail()).contains("disappeared before it could be acted on",
                "is not an active Virtual Machine Scale Set VM instanceId");
        assertThat(outcomes.get(3).error().kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(outcomes.get(3).error()).hasMessageContaining("instance 4 is not a member of scale set rg-web/web");
        assertThat(outcomes.get(4).result().outcome()).isEqualTo(Outcome.TERMINATED);
        assertThat(arm.deleteInstancesCalls()).as("ARM refuses the list naming 3; the second request leaves it out")
                .containsExactly(List.of("0", "3", "5"), List.of("0", "5"));
        assertThat(count("PATCH " + WEB)).isEqualTo(1);
        assertThat(outcomes.get(0).result().detail()).contains("capacity restored from 1 to 3");
        assertThat(arm.capacity(SUB, "rg-web", "web")).isEqualTo(3);

        // terminate, member by member, says the same of the members that were gone
        assertThat(provider.terminate(new TerminationRequest(GROUP, "2", false, "run-8", "run-8/2")).outcome())
                .isEqualTo(Outcome.ALREADY_TERMINATED);
        assertThat(provider.terminate(new TerminationRequest(GROUP, "3", false, "run-8", "run-8/3")).outcome())
                .isEqualTo(Outcome.ALREADY_TERMINATED);
        try {
            provider.terminate(new TerminationRequest(GROUP, "4", false, "run-8", "run-8/4"));
            throw new AssertionError("terminate of a member that never was ours is NOT_FOUND");
        } catch (ProviderException e) {
            assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
        }
    }

    @Test
    void aRepeatedBatchAnswersTheSameWithoutASecondDeleteOrRestore() {
        List<TerminationRequest> requests = kills(false, "1", "4");
        List<MemberTermination> first = provider.terminateMembers(GROUP, requests);
        long capacity = arm.capacity(SUB, "rg-web", "web");
        arm.forgetRequests();

        List<MemberTermination> again = provider.terminateMembers(GROUP, requests);
        TerminationResult single = provider.terminate(requests.get(1));

        assertThat(first).extracting(o -> o.result().outcome()).containsOnly(Outcome.TERMINATED);
        assertThat(again).isEqualTo(first);
        assertThat(single).isEqualTo(first.get(1).result());
        assertThat(arm.requests()).as("answered from the ledger: not even a read").isEmpty();
        assertThat(arm.deleteInstancesCalls()).containsExactly(List.of("1", "4"));
        assertThat(arm.capacity(SUB, "rg-web", "web")).isEqualTo(capacity).isEqualTo(6);
    }

    @Test
    void aBatchThatFailsInAzureFailsEveryMemberWithAzuresReasonAndARetryDeletesThem() {
        arm.failNextDeleteInstances("OperationNotAllowed", "The operation is not allowed: a resource lock blocks it.");
        List<TerminationRequest> requests = kills(false, "0", "3");

        List<MemberTermination> failed = provider.terminateMembers(GROUP, requests);

        assertThat(failed).allSatisfy(o -> {
            assertThat(o.result()).isNull();
            assertThat(o.error().kind()).isEqualTo(Kind.CONFLICT);
            assertThat(o.error()).hasMessageContaining("delete instances 0, 3 of scale set rg-web/web")
                    .hasMessageContaining("OperationNotAllowed").hasMessageContaining("a resource lock blocks it");
        });
        assertThat(count("PATCH " + WEB)).as("nothing was deleted: no capacity to restore").isZero();
        assertThat(arm.capacity(SUB, "rg-web", "web")).isEqualTo(6);
        assertThat(arm.instanceIds(SUB, "rg-web", "web")).containsExactly("0", "1", "2", "3", "4", "5");

        List<MemberTermination> retried = provider.terminateMembers(GROUP, requests);

        assertThat(retried).extracting(o -> o.result().outcome()).containsOnly(Outcome.TERMINATED);
        assertThat(arm.deleteInstancesCalls()).containsExactly(List.of("0", "3"), List.of("0", "3"));
        assertThat(count("PATCH " + WEB)).isEqualTo(1);
        assertThat(arm.capacity(SUB, "rg-web", "web")).isEqualTo(6);
    }

    @Test
    void aBatchThatOutlastsTheTimeoutHasItsCapacityRestoredOnceByTheRetry() {
        CloudProvider impatient = AzureProviderFactory.create(new TestContext("azure-batch", Map.of("subscriptions", SUB,
                        "pollInterval", "20ms", "operationTimeout", "300ms")),
                ArmConnection.pipeline(httpClient, new ExponentialBackoff(1, Duration.ofMillis(10), Duration.ofMillis(50))),
                AzureProviderConfig.withResourceManagerEndpoint(AzureEnvironment.AZURE, arm.baseUrl()));
        try (impatient) {
            arm.stallOperations();
            List<TerminationRequest> requests = kills(false, "0", "3");

            List<MemberTermination> timedOut = impatient.terminateMembers(GROUP, requests);

            assertThat(timedOut).allSatisfy(o -> {
                assertThat(o.error().kind()).isEqualTo(Kind.TRANSIENT);
                assertThat(o.error().retryable()).isTrue();
                assertThat(o.error()).hasMessageContaining("did not finish").hasMessageContaining("capacity back");
            });
            assertThat(count("PATCH " + WEB)).isZero();
            List<MemberTermination> stillDeleting = impatient.terminateMembers(GROUP, requests);
            assertThat(stillDeleting).allSatisfy(o -> assertThat(o.error()).hasMessageContaining("still being deleted"));

            arm.finishOperations(); // Azure completes the delete later: both gone, capacity 4
            assertRetriesRestoreTheCapacityOnce(impatient, requests);
        }
    }

    /** Retried after Azure deleted instances 0 and 3 (capacity 4): the owed restore is done once, by the first retry. */
    private void assertRetriesRestoreTheCapacityOnce(CloudProvider provider, List<TerminationRequest> requests) {
        List<MemberTermination> retried = provider.terminateMembers(GROUP, requests);
        List<MemberTermination> again = provider.terminateMembers(GROUP, requests);

        assertThat(retried).extracting(o -> o.result().outcome()).containsOnly(Outcome.ALREADY_TERMINATED);
        assertThat(retried.get(0).result().detail()).contains("capacity restored from 4 to 6");
        assertThat(again).isEqualTo(retried);
        assertThat(arm.deleteInstancesCalls()).containsExactly(List.of("0", "3"));
        assertThat(count("PATCH " + WEB)).isEqualTo(1);
        assertThat(arm.capacity(SUB, "rg-web", "web")).isEqualTo(6);
    }

    @Test
    void aDryRunBatchReadsOnceForAllMembersAndDeletesNothing() {
        arm.startDeleting(SUB, "rg-web", "web", "2");
        arm.forgetRequests();

        List<MemberTermination> outcomes = provider.terminateMembers(GROUP, kills(true, "0", "2", "3", "9"));

        assertThat(outcomes.get(0).result().outcome()).isEqualTo(Outcome.DRY_RUN_WOULD_TERMINATE);
        assertThat(outcomes.get(0).result().detail()).contains("dry run, nothing changed", "instance 0 is a member",
                "Microsoft.Compute/virtualMachineScaleSets/delete/action");
        assertThat(outcomes.get(1).result().outcome()).isEqualTo(Outcome.ALREADY_TERMINATED);
        assertThat(outcomes.get(2).result().outcome()).isEqualTo(Outcome.DRY_RUN_WOULD_TERMINATE);
        assertThat(outcomes.get(3).error().kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(arm.mutations()).isEmpty();
        assertThat(arm.deleteInstancesCalls()).isEmpty();
        assertThat(arm.capacity(SUB, "rg-web", "web")).isEqualTo(5);
        assertThat(arm.requests()).as("one scale-set read, one member listing, one permissions read for the four")
                .containsExactly("GET " + WEB, "GET " + WEB + "/virtualMachines",
                        "GET " + WEB + "/providers/Microsoft.Authorization/permissions");
    }

    /** A provider whose call gate refuses the polls of long-running operations until told otherwise. */
    private CloudProvider refusingPolls(TestGates.Refusing gate) {
        return AzureProviderFactory.create(new TestContext("azure-batch", Map.of("subscriptions", SUB,
                        "pollInterval", "20ms", "operationTimeout", "10s"), gate),
                ArmConnection.pipeline(httpClient, new ExponentialBackoff(1, Duration.ofMillis(10), Duration.ofMillis(50))),
                AzureProviderConfig.withResourceManagerEndpoint(AzureEnvironment.AZURE, arm.baseUrl()));
    }

    private static boolean poll(String operation) {
        return operation.startsWith("GET ") && operation.contains("/operations/");
    }

    /**
     * Azure accepted the batch delete, then the call budget refused its polls: the instances are being deleted, so the
     * outcome is unknown (retryable), not a failure, and the capacity restore stays owed until a retry does it, once.
     */
    @Test
    void aBatchWhosePollsTheCallBudgetRefusesIsOutcomeUnknownAndTheRetryRestoresTheCapacityOnce() {
        TestGates.Refusing gate = new TestGates.Refusing(AzureBatchTerminationTest::poll);
        try (CloudProvider refusing = refusingPolls(gate)) {
            arm.stallOperations();
            List<TerminationRequest> requests = kills(false, "0", "3");

            List<MemberTermination> unseen = refusing.terminateMembers(GROUP, requests);

            assertThat(gate.refused()).as("the first poll was refused").isPositive();
            assertThat(unseen).allSatisfy(o -> {
                assertThat(o.error().kind()).isEqualTo(Kind.TRANSIENT);
                assertThat(o.error().retryable()).isTrue();
                assertThat(o.error()).hasMessageContaining("Azure accepted the operation")
                        .hasMessageContaining("no permit of the call budget").hasMessageContaining("capacity back");
            });
            assertThat(arm.deleteInstancesCalls()).containsExactly(List.of("0", "3"));
            assertThat(count("PATCH " + WEB)).isZero();

            gate.admitAll();
            arm.finishOperations(); // the delete Azure had accepted ends: both gone, capacity 4
            assertRetriesRestoreTheCapacityOnce(refusing, requests);
        }
    }

    /** The same for one member ({@code terminate}): the retry with the same key restores the capacity once. */
    @Test
    void aDeleteWhosePollsTheCallBudgetRefusesIsOutcomeUnknownAndTheRetryRestoresTheCapacityOnce() {
        TestGates.Refusing gate = new TestGates.Refusing(AzureBatchTerminationTest::poll);
        try (CloudProvider refusing = refusingPolls(gate)) {
            arm.stallOperations();

            assertThatThrownBy(() -> refusing.terminate(kill("2", false)))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
                        assertThat(e.retryable()).isTrue();
                        assertThat(e).hasMessageContaining("Azure accepted the operation").hasMessageContaining("capacity back");
                    });
            assertThat(count("PATCH " + WEB)).isZero();

            gate.admitAll();
            arm.finishOperations();
            TerminationResult retried = refusing.terminate(kill("2", false));
            TerminationResult again = refusing.terminate(kill("2", false));

            assertThat(retried.outcome()).isEqualTo(Outcome.ALREADY_TERMINATED);
            assertThat(retried.detail()).contains("capacity restored from 5 to 6");
            assertThat(again).isEqualTo(retried);
            assertThat(count("PATCH " + WEB)).isEqualTo(1);
            assertThat(arm.capacity(SUB, "rg-web", "web")).isEqualTo(6);
        }
    }

    /** A refusal of the delete itself: nothing was sent, nothing is owed; a plain (not retryable) failure. */
    @Test
    void aBatchDeleteTheCallBudgetRefusesIsNotSentAndOwesNothing() {
        TestGates.Refusing gate = new TestGates.Refusing(op -> op.equals("POST " + WEB + "/delete"));
        try (CloudProvider refusing = refusingPolls(gate)) {
            List<MemberTermination> refused = refusing.terminateMembers(GROUP, kills(false, "0", "3"));

            assertThat(refused).allSatisfy(o -> {
                assertThat(o.error().kind()).isEqualTo(Kind.THROTTLED);
                assertThat(o.error().retryable()).isFalse();
            });
            assertThat(gate.refused()).isEqualTo(1);
            assertThat(arm.deleteInstancesCalls()).isEmpty();
            assertThat(arm.mutations()).isEmpty();
            assertThat(arm.capacity(SUB, "rg-web", "web")).isEqualTo(6);
        }
    }
}
