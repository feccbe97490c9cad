package dev.macaque.provider.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.management.AzureEnvironment;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.Instance;
import dev.macaque.spi.LifecycleState;
import dev.macaque.spi.MemberTermination;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderException.Kind;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.TerminationResult.Outcome;
import dev.macaque.spi.VmGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;

/**
 * The provider with the real Azure SDK against WireMock on 127.0.0.1 answering in ARM's wire format: which requests it
 * sends, and how it reads answers, long-running operations and errors.
 */
class AzureCloudProviderAdapterTest {
    private static final String SUB = "11111111-2222-3333-4444-555555555555";
    private static final String RG = "rg-web";
    private static final String VMSS = "web";
    private static final String REGION = "westeurope";
    private static final String VMSS_PATH = ArmJson.scaleSetPath(SUB, RG, VMSS);
    private static final String MEMBER_PATH = VMSS_PATH + "/virtualMachines/0";
    private static final String OPERATION_PATH = "/subscriptions/" + SUB + "/providers/Microsoft.Compute/locations/"
            + REGION + "/operations/op-1";
    /**
     * A top-level resource's permissions as the REST specification defines them: the resource id, then
     * {@code /providers/Microsoft.Authorization/permissions} (no empty {@code parentResourcePath} segment).
     */
    private static final String PERMISSIONS_PATH = VMSS_PATH + "/providers/Microsoft.Authorization/permissions";
    private static final GroupRef GROUP = new GroupRef("az", REGION, RG + "/" + VMSS);

    private static WireMockServer arm;
    private static HttpClient httpClient;
    private CloudProvider provider;

    @BeforeAll
    static void startStub() {
        arm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        arm.start();
        httpClient = new NettyAsyncHttpClientBuilder().build();
    }

    @AfterAll
    static void stopStub() {
        arm.stop();
    }

    @BeforeEach
    void reset() {
        arm.resetAll();
    }

    @AfterEach
    void close() {
        if (provider != null) {
            provider.close();
        }
    }

    private CloudProvider provider(String... keyValues) {
        return provider(1, keyValues);
    }

    private CloudProvider provider(int maxRetries, String... keyValues) {
        Map<String, String> config = new HashMap<>(Map.of("subscriptions", SUB, "pollInterval", "20ms",
                "operationTimeout", "5s"));
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        AzureEnvironment environment = AzureProviderConfig.withResourceManagerEndpoint(AzureEnvironment.AZURE, arm.baseUrl() + "/");
        provider = AzureProviderFactory.create(new TestContext("az", config),
                ArmConnection.pipeline(httpClient, new ExponentialBackoff(maxRetries, Duration.ofMillis(10), Duration.ofMillis(50))),
                environment);
        return provider;
    }

    private static MappingBuilder armGet(String path) {
        return get(urlPathEqualTo(path)).withQueryParam("api-version", equalTo(ArmJson.API_VERSION));
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static ResponseDefinitionBuilder accepted() {
        String operation = arm.baseUrl() + OPERATION_PATH + "?api-version=" + ArmJson.API_VERSION;
        return aResponse().withStatus(202).withHeader("Azure-AsyncOperation", operation)
                .withHeader("Location", operation + "&monitor=true").withHeader("Retry-After", "0");
    }

    private static String scaleSet(long capacity) {
        return ArmJson.scaleSet(SUB, RG, VMSS, REGION, capacity, Map.of("macaque-enabled", "true"), "Uniform");
    }

    private static String member(String instanceId, String provisioning, String power, String health) {
        return ArmJson.member(SUB, RG, VMSS, REGION, instanceId, "1", provisioning, power, health);
    }

    private static TerminationRequest kill(String instanceId, boolean dryRun) {
        return new TerminationRequest(GROUP, instanceId, dryRun, "run-42", UUID.randomUUID().toString());
    }

    private void stubScaleSetAndMember(String provisioning, String power) {
        arm.stubFor(armGet(VMSS_PATH).willReturn(json(200, scaleSet(2))));
        arm.stubFor(armGet(MEMBER_PATH).withQueryParam("$expand", equalTo("instanceView"))
                .willReturn(json(200, member("0", provisioning, power, "healthy"))));
    }

    private void stubOperationSucceeds() {
        arm.stubFor(get(urlPathEqualTo(OPERATION_PATH)).willReturn(json(200, ArmJson.asyncStatus("Succeeded"))));
    }

    private static ProviderException providerException(Throwable thrown) {
        assertThat(thrown).isInstanceOf(ProviderException.class);
        return (ProviderException) thrown;
    }

    // ---- listing and describing

    @Test
    void listsUniformScaleSetsOfTheSubscriptionFollowingNextLinkAndSkipsFlexibleOnes() {
        String listPath = "/subscriptions/" + SUB + "/providers/Microsoft.Compute/virtualMachineScaleSets";
        String nextLink = arm.baseUrl() + listPath + "?api-version=" + ArmJson.API_VERSION + "&$skiptoken=page2";
        arm.stubFor(armGet(listPath).withQueryParam("$skiptoken", com.github.tomakehurst.wiremock.client.WireMock.absent())
                .willReturn(json(200, ArmJson.page(List.of(
                        ArmJson.scaleSet(SUB, "rg-web", "web", "westeurope", 3, Map.of("macaque-enabled", "true",
                                "macaque-weight", "5"), "Uniform"),
                        ArmJson.scaleSet(SUB, "rg-flex", "flex", "westeurope", 2, Map.of("macaque-enabled", "true"), "Flexible")),
                        nextLink))));
        arm.stubFor(armGet(listPath).withQueryParam("$skiptoken", equalTo("page2")).willReturn(json(200, ArmJson.page(List.of(
                ArmJson.scaleSet(SUB, "rg-api", "api", "eastus2", 2, Map.of(), "Uniform"),
                ArmJson.scaleSet(SUB, "rg-api2", "api", "eastus2", 1, Map.of(), "Uniform")), null))));

        List<GroupSummary> groups = provider().listGroups(GroupFilter.ALL);

        assertThat(groups).extracting(GroupSummary::ref).containsExactly(
                new GroupRef("az", "eastus2", "rg-api/api"), new GroupRef("az", "eastus2", "rg-api2/api"),
                new GroupRef("az", "westeurope", "rg-web/web"));
        GroupSummary web = groups.get(2);
        assertThat(web.desiredCapacity()).isEqualTo(3);
        assertThat(web.tags()).containsEntry("macaque-enabled", "true").containsEntry("macaque-weight", "5");
        assertThat(web.optedIn()).isTrue();
        assertThat(provider.listGroups(GroupFilter.tag("macaque-enabled", "true"))).extracting(GroupSummary::ref)
                .containsExactly(new GroupRef("az", "westeurope", "rg-web/web"));
    }

    @Test
    void limitsListingToTheConfiguredResourceGroupsAndRegions() {
        String rgPath = "/subscriptions/" + SUB + "/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachineScaleSets";
        arm.stubFor(armGet(rgPath).willReturn(json(200, ArmJson.page(List.of(
                ArmJson.scaleSet(SUB, "rg-web", "web", "westeurope", 3, Map.of(), "Uniform"),
                ArmJson.scaleSet(SUB, "rg-web", "web-us", "eastus", 3, Map.of(), "Uniform")), null))));

        List<GroupSummary> groups = provider("resourceGroups", "rg-web", "regions", "westeurope").listGroups(GroupFilter.ALL);

        assertThat(groups).extracting(GroupSummary::ref).containsExactly(new GroupRef("az", "westeurope", "rg-web/web"));
        arm.verify(1, getRequestedFor(urlPathEqualTo(rgPath)));
    }

    @Test
    void namesCarryTheSubscriptionWhenSeveralAreConfigured() {
        String other = "99999999-2222-3333-4444-555555555555";
        arm.stubFor(armGet("/subscriptions/" + SUB + "/providers/Microsoft.Compute/virtualMachineScaleSets")
                .willReturn(json(200, ArmJson.page(List.of(scaleSet(2)), null))));
        arm.stubFor(armGet("/subscriptions/" + other + "/providers/Microsoft.Compute/virtualMachineScaleSets")
                .willReturn(json(200, ArmJson.page(List.of(ArmJson.scaleSet(other, RG, VMSS, REGION, 1, Map.of(), "Uniform")), null))));

        List<GroupSummary> groups = provider("subscriptions", SUB + "," + other).listGroups(GroupFilter.ALL);

        assertThat(groups).extracting(g -> g.ref().name()).containsExactly(SUB + "/rg-web/web", other + "/rg-web/web");
    }

    @Test
    void describesMembersFromTheirInstanceViews() {
        arm.stubFor(armGet(VMSS_PATH).willReturn(json(200, scaleSet(4))));
        arm.stubFor(armGet(VMSS_PATH + "/virtualMachines").withQueryParam("$expand", equalTo("instanceView"))
                .willReturn(json(200, ArmJson.page(List.of(
                        member("0", "Succeeded", "running", "healthy"),
                        member("1", "Succeeded", "running", "unhealthy"),
                        member("2", "Creating", null, null),
                        member("3", "Succeeded", "deallocated", null),
                        member("4", "Deleting", "running", "healthy"),
                        member("5", "Succeeded", "running", null),
                        member("6", "Failed", "running", null)), null))));

        VmGroup group = provider().describeGroup(GROUP);

        assertThat(group.desiredCapacity()).isEqualTo(4);
        assertThat(group.instances()).extracting(Instance::id, Instance::state, Instance::healthy).containsExactly(
                org.assertj.core.groups.Tuple.tuple("0", LifecycleState.IN_SERVICE, true),
                org.assertj.core.groups.Tuple.tuple("1", LifecycleState.IN_SERVICE, false),
                org.assertj.core.groups.Tuple.tuple("2", LifecycleState.PENDING, false),
                org.assertj.core.groups.Tuple.tuple("3", LifecycleState.OUT_OF_SERVICE, false),
                org.assertj.core.groups.Tuple.tuple("4", LifecycleState.TERMINATING, false),
                org.assertj.core.groups.Tuple.tuple("5", LifecycleState.IN_SERVICE, true),
                org.assertj.core.groups.Tuple.tuple("6", LifecycleState.IN_SERVICE, false));
        assertThat(group.instances().get(0).zone()).isEqualTo("1");
        assertThat(group.instances().get(0).launchTime()).isEqualTo(Instant.parse("2026-11-20T10:00:00Z"));

        GroupHealth health = provider.health(GROUP);
        assertThat(health).isEqualTo(new GroupHealth(GROUP, 4, 2, 1));
    }

    @Test
    void aGroupInAnotherRegionOrOfFlexibleOrchestrationIsRefused() {
        arm.stubFor(armGet(VMSS_PATH).willReturn(json(200, scaleSet(2))));
        assertThatThrownBy(() -> provider().describeGroup(new GroupRef("az", "eastus", RG + "/" + VMSS)))
                .satisfies(e -> assertThat(providerException(e).kind()).isEqualTo(Kind.NOT_FOUND))
                .hasMessageContaining("not in region eastus");

        arm.stubFor(armGet(VMSS_PATH).willReturn(json(200, ArmJson.scaleSet(SUB, RG, VMSS, REGION, 2, Map.of(), "Flexible"))));
        assertThatThrownBy(() -> provider.describeGroup(GROUP))
                .satisfies(e -> assertThat(providerException(e).kind()).isEqualTo(Kind.INVALID_REQUEST))
                .hasMessageContaining("Flexible");
    }

    // ---- terminate

    @Test
    void deleteRemovesTheInstanceThenRestoresTheCapacityAzureTookAway() {
        arm.stubFor(armGet(VMSS_PATH).inScenario("capacity").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(200, scaleSet(2))));
        arm.stubFor(armGet(VMSS_PATH).inScenario("capacity").whenScenarioStateIs("deleted")
                .willReturn(json(200, scaleSet(1))));
        arm.stubFor(armGet(MEMBER_PATH).willReturn(json(200, member("0", "Succeeded", "running", "healthy"))));
        arm.stubFor(delete(urlPathEqualTo(MEMBER_PATH)).inScenario("capacity").willSetStateTo("deleted")
                .willReturn(accepted()));
        stubOperationSucceeds();
        arm.stubFor(get(urlPathEqualTo(OPERATION_PATH)).withQueryParam("monitor", equalTo("true"))
                .willReturn(aResponse().withStatus(200)));
        arm.stubFor(patch(urlPathEqualTo(VMSS_PATH)).willReturn(json(200, scaleSet(2))));

        TerminationRequest request = kill("0", false);
        String correlationId = AzureCloudProvider.correlationId(request);

        TerminationResult result = provider().terminate(request);

        assertThat(result.outcome()).isEqualTo(Outcome.TERMINATED);
        assertThat(result.detail()).contains("capacity restored from 1 to 2", "correlation id " + correlationId);
        arm.verify(1, deleteRequestedFor(urlPathEqualTo(MEMBER_PATH))
                .withQueryParam("api-version", equalTo(ArmJson.API_VERSION)).withQueryParam("forceDeletion", equalTo("false"))
                .withHeader("x-ms-correlation-request-id", equalTo(correlationId)));
        arm.verify(getRequestedFor(urlPathEqualTo(OPERATION_PATH)));
        arm.verify(1, patchRequestedFor(urlPathEqualTo(VMSS_PATH)).withQueryParam("api-version", equalTo(ArmJson.API_VERSION))
                .withHeader("x-ms-correlation-request-id", equalTo(correlationId))
                .withRequestBody(equalToJson("{\"sku\":{\"name\":\"Standard_B1s\",\"tier\":\"Standard\",\"capacity\":2}}")));
    }

    @ParameterizedTest
    @CsvSource({"deallocate,deallocate,", "powerOff,powerOff,true", "restart,restart,", "reimage,reimage,"})
    void otherActionsPostToTheInstanceAndLeaveCapacityAlone(String action, String pathSuffix, String skipShutdown) {
        stubScaleSetAndMember("Succeeded", "running");
        var postMapping = post(urlPathEqualTo(MEMBER_PATH + "/" + pathSuffix));
        arm.stubFor(postMapping.willReturn(accepted()));
        stubOperationSucceeds();

        TerminationResult result = provider("terminateAction", action).terminate(kill("0", false));

        assertThat(result.outcome()).isEqualTo(Outcome.TERMINATED);
        var expected = postRequestedFor(urlPathEqualTo(MEMBER_PATH + "/" + pathSuffix))
                .withQueryParam("api-version", equalTo(ArmJson.API_VERSION));
        if (skipShutdown != null) {
            expected = expected.withQueryParam("skipShutdown", equalTo(skipShutdown));
        }
        arm.verify(1, expected);
        arm.verify(0, patchRequestedFor(anyUrl()));
        arm.verify(0, deleteRequestedFor(anyUrl()));
    }

    @Test
    void anInstanceAlreadyBeingDeletedIsAlreadyTerminatedAndNothingIsSent() {
        stubScaleSetAndMember("Deleting", "running");

        TerminationResult result = provider().terminate(kill("0", false));

        assertThat(result.outcome()).isEqualTo(Outcome.ALREADY_TERMINATED);
        arm.verify(0, deleteRequestedFor(anyUrl()));
    }

    @Test
    void anInstanceThatVanishesBeforeTheDeleteIsAlreadyTerminated() {
        stubScaleSetAndMember("Succeeded", "running");
        arm.stubFor(delete(urlPathEqualTo(MEMBER_PATH)).willReturn(json(404, ArmJson.error("NotFound",
                "The entity was not found in this Azure location."))));

        TerminationResult result = provider().terminate(kill("0", false));

        assertThat(result.outcome()).isEqualTo(Outcome.ALREADY_TERMINATED);
        arm.verify(0, patchRequestedFor(anyUrl()));
    }

    @Test
    void anInstanceThatIsNotAMemberOfTheNamedScaleSetIsNotFoundAndNothingIsDeleted() {
        arm.stubFor(armGet(VMSS_PATH).willReturn(json(200, scaleSet(2))));
        arm.stubFor(armGet(VMSS_PATH + "/virtualMachines/7").willReturn(json(404, ArmJson.error("NotFound",
                "The entity was not found in this Azure location."))));

        assertThatThrownBy(() -> provider().terminate(kill("7", false)))
                .satisfies(e -> assertThat(providerException(e).kind()).isEqualTo(Kind.NOT_FOUND))
                .hasMessageContaining("not a member of scale set rg-web/web");
        arm.verify(0, deleteRequestedFor(anyUrl()));
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyDeletesOnlyOnce() {
        stubScaleSetAndMember("Succeeded", "running");
        arm.stubFor(delete(urlPathEqualTo(MEMBER_PATH)).willReturn(accepted()));
        stubOperationSucceeds();
        TerminationRequest request = kill("0", false);

        TerminationResult first = provider().terminate(request);
        TerminationResult second = provider.terminate(request);

        assertThat(second).isEqualTo(first);
        arm.verify(1, deleteRequestedFor(urlPathEqualTo(MEMBER_PATH)));
    }

    // ---- several members at once

    private void stubScaleSetWithMembers(String... instanceIds) {
        arm.stubFor(armGet(VMSS_PATH + "/virtualMachines").withQueryParam("$expand", equalTo("instanceView"))
                .willReturn(json(200, ArmJson.page(java.util.Arrays.stream(instanceIds)
                        .map(id -> member(id, "Succeeded", "running", "healthy")).toList(), null))));
    }

    @Test
    void severalMembersGoInOneDeleteInstancesPostWithTheirIdsThenOneCapacityUpdate() {
        arm.stubFor(armGet(VMSS_PATH).inScenario("batch").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(200, scaleSet(3))));
        arm.stubFor(armGet(VMSS_PATH).inScenario("batch").whenScenarioStateIs("deleted").willReturn(json(200, scaleSet(1))));
        stubScaleSetWithMembers("0", "1", "2");
        arm.stubFor(post(urlPathEqualTo(VMSS_PATH + "/delete")).inScenario("batch").willSetStateTo("deleted")
                .willReturn(accepted()));
        stubOperationSucceeds();
        arm.stubFor(patch(urlPathEqualTo(VMSS_PATH)).willReturn(json(200, scaleSet(3))));
        List<TerminationRequest> requests = List.of(kill("0", false), kill("2", false));

        List<MemberTermination> outcomes = provider().terminateMembers(GROUP, requests);

        assertThat(outcomes).extracting(o -> o.result().outcome()).containsExactly(Outcome.TERMINATED, Outcome.TERMINATED);
        assertThat(outcomes.get(1).result().detail()).contains("capacity restored from 1 to 3");
        String correlationId = UUID.nameUUIDFromBytes(("macaque:" + requests.stream().map(TerminationRequest::idempotencyKey)
                .sorted().collect(java.util.stream.Collectors.joining(","))).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
        arm.verify(1, postRequestedFor(urlPathEqualTo(VMSS_PATH + "/delete"))
                .withQueryParam("api-version", equalTo(ArmJson.API_VERSION)).withQueryParam("forceDeletion", equalTo("false"))
                .withHeader("x-ms-correlation-request-id", equalTo(correlationId))
                .withRequestBody(equalToJson("{\"instanceIds\":[\"0\",\"2\"]}")));
        arm.verify(0, deleteRequestedFor(anyUrl()));
        arm.verify(1, patchRequestedFor(urlPathEqualTo(VMSS_PATH)).withHeader("x-ms-correlation-request-id", equalTo(correlationId))
                .withRequestBody(equalToJson("{\"sku\":{\"name\":\"Standard_B1s\",\"tier\":\"Standard\",\"capacity\":3}}")));
    }

    @Test
    void aBatchDeleteAzureRefusesFailsEveryMemberWithAzuresReasonAndTouchesNoCapacity() {
        arm.stubFor(armGet(VMSS_PATH).willReturn(json(200, scaleSet(3))));
        stubScaleSetWithMembers("0", "1", "2");
        arm.stubFor(post(urlPathEqualTo(VMSS_PATH + "/delete")).willReturn(json(403, ArmJson.error("AuthorizationFailed",
                "The client 'x' with object id 'y' does not have authorization to perform action"
                        + " 'Microsoft.Compute/virtualMachineScaleSets/delete/action'"))));

        List<MemberTermination> outcomes = provider().terminateMembers(GROUP, List.of(kill("0", false), kill("1", false)));

        assertThat(outcomes).allSatisfy(o -> {
            assertThat(o.result()).isNull();
            assertThat(o.error().kind()).isEqualTo(Kind.PERMISSION_DENIED);
            assertThat(o.error()).hasMessageContaining("AuthorizationFailed")
                    .hasMessageContaining("virtualMachineScaleSets/delete/action");
        });
        arm.verify(1, postRequestedFor(urlPathEqualTo(VMSS_PATH + "/delete")));
        arm.verify(0, patchRequestedFor(anyUrl()));
    }

    @Test
    void aThrottledBatchDeleteIsThrownForTheWholeCallSoThatItCanBeRepeated() {
        arm.stubFor(armGet(VMSS_PATH).willReturn(json(200, scaleSet(3))));
        stubScaleSetWithMembers("0", "1", "2");
        arm.stubFor(post(urlPathEqualTo(VMSS_PATH + "/delete")).willReturn(json(429,
                ArmJson.error("TooManyRequests", "Too many requests")).withHeader("Retry-After", "7")));

        assertThatThrownBy(() -> provider(0).terminateMembers(GROUP, List.of(kill("0", false), kill("1", false))))
                .satisfies(e -> {
                    assertThat(providerException(e).kind()).isEqualTo(Kind.THROTTLED);
                    assertThat(providerException(e).retryAfter()).contains(Duration.ofSeconds(7));
                });
        arm.verify(0, patchRequestedFor(anyUrl()));
    }

    // ---- dry run

    @Test
    void membersWithoutInstanceIdAsInTheSpecificationsMinimalExampleTakeItFromTheirResourceId() {
        arm.stubFor(armGet(VMSS_PATH).willReturn(json(200, scaleSet(2))));
        // VirtualMachineScaleSetVM_List_MinimumSet_Gen.json: each value carries only its id and location.
        String minimal = "{\"value\":[{\"location\":\"westeurope\",\"id\":\"" + VMSS_PATH + "/virtualMachines/0\"},"
                + "{\"location\":\"westeurope\",\"id\":\"" + VMSS_PATH + "/virtualMachines/7\"}]}";
        arm.stubFor(armGet(VMSS_PATH + "/virtualMachines").willReturn(json(200, minimal)));

        VmGroup group = provider().describeGroup(GROUP);

        assertThat(group.instances()).extracting(Instance::id).containsExactly("0", "7");
        assertThat(group.instances()).allSatisfy(i -> assertThat(i.state()).isEqualTo(LifecycleState.PENDING));
        assertThat(provider.health(GROUP)).isEqualTo(new GroupHealth(GROUP, 2, 0, 2));
    }

    @Test
    void optInTagsAreMatchedWhateverTheCaseTheOwnerWroteThemIn() {
        String mixedCase = ArmJson.scaleSet(SUB, RG, VMSS, REGION, 2,
                Map.of("Macaque-Enabled", "true", "MACAQUE-WEIGHT", "3", "Team", "web"), "Uniform");
        arm.stubFor(armGet("/subscriptions/" + SUB + "/providers/Microsoft.Compute/virtualMachineScaleSets")
                .willReturn(json(200, ArmJson.page(List.of(mixedCase), null))));

        List<GroupSummary> optedIn = provider().listGroups(GroupFilter.tag("macaque-enabled", "true"));

        assertThat(optedIn).singleElement().satisfies(g -> {
            assertThat(g.optedIn()).isTrue();
            assertThat(g.tags()).containsEntry("macaque-enabled", "true").containsEntry("macaque-weight", "3")
                    .containsEntry("Team", "web").doesNotContainKeys("Macaque-Enabled", "MACAQUE-WEIGHT");
        });
    }

    @Test
    void theBatchedReadListsTheSubscriptionOnceAndReadsMembersOfEachAskedScaleSet() {
        arm.stubFor(armGet("/subscriptions/" + SUB + "/providers/Microsoft.Compute/virtualMachineScaleSets")
                .willReturn(json(200, ArmJson.page(List.of(scaleSet(2)), null))));
        arm.stubFor(armGet(VMSS_PATH + "/virtualMachines").withQueryParam("$expand", equalTo("instanceView"))
                .willReturn(json(200, ArmJson.page(List.of(member("0", "Succeeded", "running", "healthy"),
                        member("1", "Succeeded", "running", "healthy")), null))));
        GroupRef missing = new GroupRef("az", REGION, RG + "/gone");

        var batch = provider().describeGroups(List.of(GROUP, missing));

        assertThat(batch.groups()).singleElement().satisfies(g -> assertThat(g.healthyInService()).hasSize(2));
        assertThat(batch.notFound()).containsOnlyKeys(missing);
        assertThat(arm.getAllServeEvents()).hasSize(2);
    }

    @Test
    void dryRunProvesGroupMembershipAndPermissionsAndChangesNothing() {
        stubScaleSetAndMember("Succeeded", "running");
        String permissionsPath = PERMISSIONS_PATH;
        arm.stubFor(get(urlPathEqualTo(permissionsPath)).willReturn(json(200,
                ArmJson.permissions(List.of("Microsoft.Compute/virtualMachineScaleSets/*"), List.of()))));

        TerminationResult result = provider().terminate(kill("0", true));

        assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN_WOULD_TERMINATE);
        assertThat(result.detail()).contains("scale set rg-web/web exists in westeurope", "instance 0 is a member",
                "grant", "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/delete", "Not proven", "resource locks");
        arm.verify(getRequestedFor(urlPathEqualTo(permissionsPath))
                .withQueryParam("api-version", equalTo(ArmConnection.PERMISSIONS_API_VERSION)));
        assertThat(arm.getAllServeEvents()).extracting(e -> e.getRequest().getUrl()).noneMatch(url -> url.contains("//"));
        arm.verify(0, deleteRequestedFor(anyUrl()));
        arm.verify(0, postRequestedFor(anyUrl()));
        arm.verify(0, patchRequestedFor(anyUrl()));
    }

    @Test
    void dryRunFailsWhenTheRoleExcludesTheAction() {
        stubScaleSetAndMember("Succeeded", "running");
        arm.stubFor(get(urlPathEqualTo(PERMISSIONS_PATH)).willReturn(json(200,
                ArmJson.permissions(List.of("*"), List.of("Microsoft.Compute/virtualMachineScaleSets/virtualMachines/delete")))));

        assertThatThrownBy(() -> provider().terminate(kill("0", true)))
                .satisfies(e -> assertThat(providerException(e).kind()).isEqualTo(Kind.PERMISSION_DENIED))
                .hasMessageContaining("Microsoft.Compute/virtualMachineScaleSets/virtualMachines/delete");
    }

    @Test
    void dryRunSaysSoWhenPermissionsCannotBeRead() {
        stubScaleSetAndMember("Succeeded", "running");
        arm.stubFor(get(urlPathEqualTo(PERMISSIONS_PATH)).willReturn(json(403,
                ArmJson.error("AuthorizationFailed", "The client does not have authorization to perform action"
                        + " 'Microsoft.Authorization/permissions/read'."))));

        TerminationResult result = provider().terminate(kill("0", true));

        assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN_WOULD_TERMINATE);
        assertThat(result.detail()).contains("Not proven: that the identity may", "could not be read");
    }

    // ---- errors

    @Test
    void throttlingIsRetriedThenReportedWithRetryAfter() {
        String listPath = "/subscriptions/" + SUB + "/providers/Microsoft.Compute/virtualMachineScaleSets";
        arm.stubFor(armGet(listPath).willReturn(json(429, ArmJson.error("TooManyRequests",
                "The request is being throttled.")).withHeader("Retry-After", "1")));

        long started = System.nanoTime();
        assertThatThrownBy(() -> provider(1).listGroups(GroupFilter.ALL)).satisfies(e -> {
            ProviderException failure = providerException(e);
            assertThat(failure.kind()).isEqualTo(Kind.THROTTLED);
            assertThat(failure.retryable()).isTrue();
            assertThat(failure.retryAfter()).contains(Duration.ofSeconds(1));
            assertThat(failure).hasMessageContaining("429").hasMessageContaining("TooManyRequests");
        });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("honours Retry-After once").isGreaterThanOrEqualTo(Duration.ofMillis(900));
        arm.verify(2, getRequestedFor(urlPathEqualTo(listPath)));
    }

    @Test
    void retryAfterGivenAsAnHttpDateIsReadAgainstTheProvidersClock() {
        String listPath = "/subscriptions/" + SUB + "/providers/Microsoft.Compute/virtualMachineScaleSets";
        // TestContext's clock stands at 12:00:00 GMT; the date lies 7 s after it (and in the past for the SDK's retry).
        arm.stubFor(armGet(listPath).willReturn(json(429, ArmJson.error("TooManyRequests", "The request is being throttled."))
                .withHeader("Retry-After", "Thu, 26 Nov 2026 12:00:07 GMT")));

        assertThatThrownBy(() -> provider(0).listGroups(GroupFilter.ALL))
                .satisfies(e -> assertThat(providerException(e).retryAfter()).contains(Duration.ofSeconds(7)));
    }

    @Test
    void aSignInFailureIsUnavailableAndNamesTheCause() {
        HttpPipelinePolicy failingSignIn = (context, next) -> Mono.error(new ClientAuthenticationException(
                "ClientSecretCredential authentication failed: AADSTS7000215: Invalid client secret provided.", null));
        provider = AzureProviderFactory.create(new TestContext("az", Map.of("subscriptions", SUB)),
                AzureProviderFactory.pipeline(httpClient, 0, failingSignIn),
                AzureProviderConfig.withResourceManagerEndpoint(AzureEnvironment.AZURE, arm.baseUrl() + "/"));

        assertThatThrownBy(() -> provider.listGroups(GroupFilter.ALL)).satisfies(e -> {
            assertThat(providerException(e).kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(e).hasMessageContaining("sign-in failed").hasMessageContaining("AADSTS7000215");
        });
        arm.verify(0, getRequestedFor(anyUrl()));
    }

    @Test
    void anUnreachableEndpointIsTransient() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        provider = AzureProviderFactory.create(new TestContext("az", Map.of("subscriptions", SUB)),
                AzureProviderFactory.pipeline(httpClient, 0),
                AzureProviderConfig.withResourceManagerEndpoint(AzureEnvironment.AZURE, "http://127.0.0.1:" + closedPort + "/"));

        assertThatThrownBy(() -> provider.describeGroup(GROUP)).satisfies(e -> {
            assertThat(providerException(e).kind()).isEqualTo(Kind.TRANSIENT);
            assertThat(e).hasMessageContaining("network error");
        });
    }

    @Test
    void authorizationFailedIsPermissionDenied() {
        arm.stubFor(armGet(VMSS_PATH).willReturn(json(403, ArmJson.error("AuthorizationFailed", "The client 'x' with object"
                + " id 'y' does not have authorization to perform action 'Microsoft.Compute/virtualMachineScaleSets/read'"))));

        assertThatThrownBy(() -> provider().describeGroup(GROUP)).satisfies(e -> {
            assertThat(providerException(e).kind()).isEqualTo(Kind.PERMISSION_DENIED);
            assertThat(e).hasMessageContaining("AuthorizationFailed").hasMessageContaining("virtualMachineScaleSets/read");
        });
    }

    @Test
    void aMissingScaleSetIsNotFound() {
        arm.stubFor(armGet(VMSS_PATH).willReturn(json(404, ArmJson.error("ResourceNotFound",
                "The Resource 'Microsoft.Compute/virtualMachineScaleSets/web' under resource group 'rg-web' was not found."))));

        assertThatThrownBy(() -> provider().health(GROUP))
                .satisfies(e -> assertThat(providerException(e).kind()).isEqualTo(Kind.NOT_FOUND))
                .hasMessageContaining("does not exist");
    }

    @Test
    void aConflictIsReportedAsConflict() {
        stubScaleSetAndMember("Succeeded", "running");
        arm.stubFor(delete(urlPathEqualTo(MEMBER_PATH)).willReturn(json(409, ArmJson.error("OperationNotAllowed",
                "Operation 'delete' is not allowed since the scale set is being updated."))));

        assertThatThrownBy(() -> provider().terminate(kill("0", false)))
                .satisfies(e -> assertThat(providerException(e).kind()).isEqualTo(Kind.CONFLICT))
                .hasMessageContaining("OperationNotAllowed");
    }

    @Test
    void serverErrorsAreRetriedThenTransient() {
        arm.stubFor(armGet(VMSS_PATH).willReturn(json(503, ArmJson.error("ServiceUnavailable", "Try again later."))));

        assertThatThrownBy(() -> provider(2).describeGroup(GROUP))
                .satisfies(e -> assertThat(providerException(e).kind()).isEqualTo(Kind.TRANSIENT));
        arm.verify(3, getRequestedFor(urlPathEqualTo(VMSS_PATH)));
    }

    @Test
    void aLongRunningOperationThatFailsIsReportedWithAzuresErrorAndCapacityIsNotTouched() {
        stubScaleSetAndMember("Succeeded", "running");
        arm.stubFor(delete(urlPathEqualTo(MEMBER_PATH)).willReturn(accepted()));
        arm.stubFor(get(urlPathEqualTo(OPERATION_PATH)).willReturn(json(200,
                ArmJson.asyncFailure("InternalExecutionError", "An internal execution error occurred."))));

        assertThatThrownBy(() -> provider().terminate(kill("0", false))).satisfies(e -> {
            assertThat(providerException(e).kind()).isEqualTo(Kind.TRANSIENT);
            assertThat(e).hasMessageContaining("failed in Azure").hasMessageContaining("InternalExecutionError")
                    .hasMessageContaining("An internal execution error occurred.");
        });
        arm.verify(0, patchRequestedFor(anyUrl()));
    }

    @Test
    void aLongRunningOperationThatNeverFinishesTimesOut() {
        stubScaleSetAndMember("Succeeded", "running");
        arm.stubFor(post(urlPathEqualTo(MEMBER_PATH + "/deallocate")).willReturn(accepted()));
        arm.stubFor(get(urlPathEqualTo(OPERATION_PATH)).willReturn(json(200, ArmJson.asyncStatus("InProgress"))
                .withHeader("Retry-After", "0")));

        long started = System.nanoTime();
        assertThatThrownBy(() -> provider("terminateAction", "deallocate", "operationTimeout", "1s").terminate(kill("0", false)))
                .satisfies(e -> {
                    assertThat(providerException(e).kind()).isEqualTo(Kind.TRANSIENT);
                    assertThat(e).hasMessageContaining("did not finish").hasMessageContaining("operationTimeout");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aDeleteThatOutlastsTheTimeoutHasItsCapacityRestoredByTheRetry() {
        arm.stubFor(armGet(VMSS_PATH).inScenario("slow delete").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(200, scaleSet(2))));
        arm.stubFor(armGet(MEMBER_PATH).inScenario("slow delete").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(200, member("0", "Succeeded", "running", "healthy"))));
        arm.stubFor(delete(urlPathEqualTo(MEMBER_PATH)).inScenario("slow delete").willReturn(accepted()));
        arm.stubFor(get(urlPathEqualTo(OPERATION_PATH)).willReturn(json(200, ArmJson.asyncStatus("InProgress"))));
        TerminationRequest request = kill("0", false);

        assertThatThrownBy(() -> provider("operationTimeout", "500ms").terminate(request)).satisfies(e -> {
            assertThat(providerException(e).kind()).isEqualTo(Kind.TRANSIENT);
            assertThat(providerException(e).retryable()).isTrue();
            assertThat(e).hasMessageContaining("did not finish").hasMessageContaining("capacity back");
        });
        arm.verify(0, patchRequestedFor(anyUrl()));

        // Azure finishes the delete later: the instance is gone and the capacity is one lower.
        arm.stubFor(armGet(VMSS_PATH).inScenario("slow delete").whenScenarioStateIs("deleted").willReturn(json(200, scaleSet(1))));
        arm.stubFor(armGet(MEMBER_PATH).inScenario("slow delete").whenScenarioStateIs("deleted")
                .willReturn(json(404, ArmJson.error("NotFound", "The entity was not found in this Azure location."))));
        arm.stubFor(patch(urlPathEqualTo(VMSS_PATH)).willReturn(json(200, scaleSet(2))));
        arm.setScenarioState("slow delete", "deleted");

        TerminationResult retried = provider.terminate(request);

        assertThat(retried.outcome()).isEqualTo(Outcome.ALREADY_TERMINATED);
        assertThat(retried.detail()).contains("capacity restored from 1 to 2");
        arm.verify(1, deleteRequestedFor(urlPathEqualTo(MEMBER_PATH)));
        arm.verify(1, patchRequestedFor(urlPathEqualTo(VMSS_PATH))
                .withRequestBody(equalToJson("{\"sku\":{\"name\":\"Standard_B1s\",\"tier\":\"Standard\",\"capacity\":2}}")));
    }
}
