package dev.macaque.provider.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.macaque.provider.aws.AwsXml.Ec2Instance;
import dev.macaque.provider.aws.AwsXml.Group;
import dev.macaque.provider.aws.AwsXml.Member;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.Instance;
import dev.macaque.spi.LifecycleState;
import dev.macaque.spi.OptIn;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderException.Kind;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.TerminationResult.Outcome;
import dev.macaque.spi.VmGroup;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * The provider with the real SDK against a stub HTTP server on 127.0.0.1 that answers in AWS's wire format: each test
 * checks the requests the SDK sent (action and parameters) and how answers and errors are mapped.
 */
class AwsProviderWireTest {

    private static final String ID = "aws-stub";
    private static final String REGION = "us-east-1";
    private static final GroupRef API = new GroupRef(ID, REGION, "api");
    private static final String VICTIM = "i-0aaaaaaaaaaaaaaa1";

    private WireMockServer stub;
    private CloudProvider provider;

    @BeforeEach
    void start() {
        stub = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        stub.start();
        provider = create(Map.of());
    }

    @AfterEach
    void stop() {
        provider.close();
        stub.stop();
    }

    private CloudProvider create(Map<String, String> extra) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("regions", REGION);
        config.put("endpoint", stub.baseUrl());
        config.put("maxAttempts", "3");
        config.putAll(extra);
        return new AwsProviderFactory(new SdkOverrides(MotoWorld.CREDENTIALS, BackoffStrategy.retryImmediately()))
                .create(new TestContext(ID, config));
    }

    // ---- listing ---------------------------------------------------------------------------------------------

    @Test
    void sendsTagFiltersToAwsAndFollowsPaginationToTheEnd() {
        Map<String, String> tags = Map.of(OptIn.ENABLED_KEY, "true", "team", "payments");
        stub.stubFor(post(urlEqualTo("/")).withFormParam("Action", equalTo("DescribeAutoScalingGroups"))
                .withFormParam("NextToken", equalTo("page-2"))
                .willReturn(xml(200, AwsXml.groups(null, new Group("api", 3, tags, List.of())))));
        stub.stubFor(post(urlEqualTo("/")).atPriority(10).withFormParam("Action", equalTo("DescribeAutoScalingGroups"))
                .willReturn(xml(200, AwsXml.groups("page-2", new Group("web", 2, tags, List.of())))));

        List<GroupSummary> groups = provider.listGroups(new GroupFilter(java.util.Set.of(), tags));

        assertThat(groups).extracting(g -> g.ref().name()).containsExactly("api", "web");
        assertThat(groups.get(0).desiredCapacity()).isEqualTo(3);
        assertThat(groups.get(0).tags()).containsEntry("team", "payments");
        List<Map<String, String>> calls = requests("DescribeAutoScalingGroups");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).containsEntry("Filters.member.1.Name", "tag:macaque-enabled")
                .containsEntry("Filters.member.1.Values.member.1", "true")
                .containsEntry("Filters.member.2.Name", "tag:team")
                .containsEntry("Filters.member.2.Values.member.1", "payments")
                .doesNotContainKey("NextToken");
        assertThat(calls.get(1)).containsEntry("NextToken", "page-2").containsEntry("Filters.member.1.Name", "tag:macaque-enabled");
    }

    @Test
    void aRegionOutsideTheConfiguredOnesYieldsNothingWithoutCallingAws() {
        assertThat(provider.listGroups(GroupFilter.regions("eu-central-1"))).isEmpty();
        assertThat(stub.getAllServeEvents()).isEmpty();
    }

    // ---- describing and health ---------------------------------------------------------------------------------

    @Test
    void describesMembersWithZoneStateHealthAndLaunchTime() {
        answer("DescribeAutoScalingGroups", 200, AwsXml.groups(null, new Group("api", 3, Map.of(OptIn.ENABLED_KEY, "true"),
                List.of(Member.healthy(VICTIM), new Member("i-0bbbbbbbbbbbbbbb2", "us-east-1b", "Pending:Wait", "Healthy"),
                        new Member("i-0ccccccccccccccc3", "us-east-1c", "InService", "Unhealthy")))));
        answer("DescribeInstances", 200, AwsXml.ec2Instances(
                new Ec2Instance(VICTIM, "running", "2026-01-02T03:04:05.000Z", "api"),
                new Ec2Instance("i-0bbbbbbbbbbbbbbb2", "pending", "2026-01-02T03:10:00.000Z", "api")));

        VmGroup group = provider.describeGroup(API);

        assertThat(group.instances()).containsExactly(
                new Instance(VICTIM, "us-east-1a", LifecycleState.IN_SERVICE, true, Instant.parse("2026-01-02T03:04:05Z")),
                new Instance("i-0bbbbbbbbbbbbbbb2", "us-east-1b", LifecycleState.PENDING, true, Instant.parse("2026-01-02T03:10:00Z")),
                new Instance("i-0ccccccccccccccc3", "us-east-1c", LifecycleState.IN_SERVICE, false, null));
        assertThat(requests("DescribeAutoScalingGroups").get(0)).containsEntry("AutoScalingGroupNames.member.1", "api");
        assertThat(requests("DescribeInstances").get(0)).containsEntry("Filter.1.Name", "instance-id")
                .containsEntry("Filter.1.Value.1", VICTIM).containsEntry("Filter.1.Value.3", "i-0ccccccccccccccc3");
    }

    @Test
    void healthIsDesiredCapacityAgainstMembersInServiceAndHealthy() {
        answer("DescribeAutoScalingGroups", 200, AwsXml.groups(null, new Group("api", 4, Map.of(),
                List.of(Member.healthy(VICTIM), new Member("i-2", "us-east-1a", "Pending", "Healthy"),
                        new Member("i-3", "us-east-1a", "InService", "Unhealthy"),
                        new Member("i-4", "us-east-1a", "Terminating", "Healthy")))));

        GroupHealth health = provider.health(API);

        assertThat(health).isEqualTo(new GroupHealth(API, 4, 1, 1));
        assertThat(health.atDesiredCapacity()).isFalse();
    }

    @Test
    void aGroupAwsDoesNotKnowIsNotFound() {
        answer("DescribeAutoScalingGroups", 200, AwsXml.groups(null));

        assertKind(() -> provider.health(API), Kind.NOT_FOUND);
    }

    // ---- terminate ---------------------------------------------------------------------------------------------

    @Test
    void terminatesAMemberThroughAutoScalingWithoutDecrementingDesiredCapacity() {
        answer("DescribeAutoScalingInstances", 200, AwsXml.autoScalingInstance(VICTIM, "api", "InService"));
        answer("TerminateInstanceInAutoScalingGroup", 200, AwsXml.terminateActivity(VICTIM));

        TerminationResult result = provider.terminate(request(false, "key-1"));

        assertThat(result.outcome()).isEqualTo(Outcome.TERMINATED);
        assertThat(result.detail()).contains("act-42");
        assertThat(requests("DescribeAutoScalingInstances").get(0)).containsEntry("InstanceIds.member.1", VICTIM);
        assertThat(requests("TerminateInstanceInAutoScalingGroup")).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("InstanceId", VICTIM).containsEntry("ShouldDecrementDesiredCapacity", "false"));
    }

    @Test
    void aRetriedRequestWithTheSameIdempotencyKeyReturnsTheFirstResultWithoutASecondCall() {
        answer("DescribeAutoScalingInstances", 200, AwsXml.autoScalingInstance(VICTIM, "api", "InService"));
        answer("TerminateInstanceInAutoScalingGroup", 200, AwsXml.terminateActivity(VICTIM));

        TerminationResult first = provider.terminate(request(false, "key-1"));
        TerminationResult retried = provider.terminate(request(false, "key-1"));

        assertThat(retried).isEqualTo(first);
        assertThat(requests("TerminateInstanceInAutoScalingGroup")).hasSize(1);
        assertThat(requests("DescribeAutoScalingInstances")).hasSize(1);
        assertKind(() -> provider.terminate(new TerminationRequest(API, "i-0other", false, "test", "key-1")),
                Kind.INVALID_REQUEST);
    }

    @Test
    void aMemberOfAnotherGroupIsNotFoundAndNeverTerminated() {
        answer("DescribeAutoScalingInstances", 200, AwsXml.autoScalingInstance(VICTIM, "db", "InService"));

        assertKind(() -> provider.terminate(request(false, "key-1")), Kind.NOT_FOUND);
        assertKind(() -> provider.terminate(request(true, "key-2")), Kind.NOT_FOUND);

        assertThat(requests("TerminateInstanceInAutoScalingGroup")).isEmpty();
        assertThat(requests("TerminateInstances")).isEmpty();
    }

    @Test
    void anInstanceThatExistsNowhereIsNotFound() {
        answer("DescribeAutoScalingInstances", 200, AwsXml.autoScalingInstance(VICTIM, null, null));
        answer("DescribeInstances", 200, AwsXml.ec2Instances());

        assertKind(() -> provider.terminate(request(false, "key-1")), Kind.NOT_FOUND);

        assertThat(requests("DescribeInstances").get(0)).containsEntry("Filter.1.Name", "instance-id")
                .containsEntry("Filter.1.Value.1", VICTIM);
        assertThat(requests("TerminateInstanceInAutoScalingGroup")).isEmpty();
    }

    @Test
    void aMemberAutoScalingIsAlreadyTerminatingIsReportedAsAlreadyTerminated() {
        answer("DescribeAutoScalingInstances", 200, AwsXml.autoScalingInstance(VICTIM, "api", "Terminating:Wait"));

        TerminationResult result = provider.terminate(request(false, "key-1"));

        assertThat(result.outcome()).isEqualTo(Outcome.ALREADY_TERMINATED);
        assertThat(requests("TerminateInstanceInAutoScalingGroup")).isEmpty();
    }

    @Test
    void aFormerMemberThatEc2ReportsTerminatedIsAlreadyTerminated() {
        answer("DescribeAutoScalingInstances", 200, AwsXml.autoScalingInstance(VICTIM, null, null));
        answer("DescribeInstances", 200, AwsXml.ec2Instances(new Ec2Instance(VICTIM, "terminated", "2026-01-02T03:04:05.000Z", "api")));

        assertThat(provider.terminate(request(false, "key-1")).outcome()).isEqualTo(Outcome.ALREADY_TERMINATED);
        assertThat(requests("TerminateInstanceInAutoScalingGroup")).isEmpty();
    }

    @Test
    void aTerminatedInstanceOfAnotherGroupIsNotFound() {
        answer("DescribeAutoScalingInstances", 200, AwsXml.autoScalingInstance(VICTIM, null, null));
        answer("DescribeInstances", 200, AwsXml.ec2Instances(new Ec2Instance(VICTIM, "terminated", "2026-01-02T03:04:05.000Z", "db")));

        assertKind(() -> provider.terminate(request(false, "key-1")), Kind.NOT_FOUND);
    }

    @Test
    void aValidationErrorBecauseTheInstanceLeftTheGroupMeanwhileIsNotFound() {
        answer("DescribeAutoScalingInstances", 200, AwsXml.autoScalingInstance(VICTIM, "api", "InService"));
        answer("TerminateInstanceInAutoScalingGroup", 400, AwsXml.autoScalingError("Sender", "ValidationError",
                "Instance Id not found - No managed instance found for instance ID: " + VICTIM));
        answer("DescribeInstances", 200, AwsXml.ec2Instances(new Ec2Instance(VICTIM, "running", "2026-01-02T03:04:05.000Z", null)));

        assertKind(() -> provider.terminate(request(false, "key-1")), Kind.NOT_FOUND);
        assertThat(requests("TerminateInstanceInAutoScalingGroup")).hasSize(1);
    }

    @Test
    void aValidationErrorBecauseTheInstanceWentMeanwhileIsAlreadyTerminated() {
        stub.stubFor(post(urlEqualTo("/")).withFormParam("Action", equalTo("DescribeAutoScalingInstances"))
                .inScenario("race").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("gone")
                .willReturn(xml(200, AwsXml.autoScalingInstance(VICTIM, "api", "InService"))));
        stub.stubFor(post(urlEqualTo("/")).withFormParam("Action", equalTo("DescribeAutoScalingInstances"))
                .inScenario("race").whenScenarioStateIs("gone")
                .willReturn(xml(200, AwsXml.autoScalingInstance(VICTIM, "api", "Terminating"))));
        answer("TerminateInstanceInAutoScalingGroup", 400, AwsXml.autoScalingError("Sender", "ValidationError",
                "Instance Id not found - No managed instance found for instance ID: " + VICTIM));

        assertThat(provider.terminate(request(false, "key-1")).outcome()).isEqualTo(Outcome.ALREADY_TERMINATED);
    }

    @Test
    void aScalingActivityInProgressIsARetryableConflict() {
        answer("DescribeAutoScalingInstances", 200, AwsXml.autoScalingInstance(VICTIM, "api", "InService"));
        answer("TerminateInstanceInAutoScalingGroup", 400, AwsXml.autoScalingError("Sender", "ScalingActivityInProgress",
                "Scaling activity act-1 is in progress and blocks this action"));

        ProviderException e = assertKind(() -> provider.terminate(request(false, "key-1")), Kind.CONFLICT);

        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("ScalingActivityInProgress");
    }

    @Test
    void aFailedRequestIsTriedAgainWhenRetriedWithTheSameKey() {
        answer("DescribeAutoScalingInstances", 200, AwsXml.autoScalingInstance(VICTIM, "api", "InService"));
        stub.stubFor(post(urlEqualTo("/")).withFormParam("Action", equalTo("TerminateInstanceInAutoScalingGroup"))
                .inScenario("busy").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("free")
                .willReturn(xml(400, AwsXml.autoScalingError("Sender", "ScalingActivityInProgress", "busy"))));
        stub.stubFor(post(urlEqualTo("/")).withFormParam("Action", equalTo("TerminateInstanceInAutoScalingGroup"))
                .inScenario("busy").whenScenarioStateIs("free").willReturn(xml(200, AwsXml.terminateActivity(VICTIM))));

        assertKind(() -> provider.terminate(request(false, "key-1")), Kind.CONFLICT);
        assertThat(provider.terminate(request(false, "key-1")).outcome()).isEqualTo(Outcome.TERMINATED);
    }

    // ---- dry run -----------------------------------------------------------------------------------------------

    @Test
    void dryRunAsksEc2WithDryRunAndChangesNothing() {
        answer("DescribeAutoScalingInstances", 200, AwsXml.autoScalingInstance(VICTIM, "api", "InService"));
        answer("TerminateInstances", 412, AwsXml.ec2Error("DryRunOperation", "Request would have succeeded, but DryRun flag is set."));

        TerminationResult result = provider.terminate(request(true, "key-1"));

        assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN_WOULD_TERMINATE);
        assertThat(result.detail()).contains("Proven").contains("Not proven").contains("TerminateInstanceInAutoScalingGroup");
        assertThat(requests("TerminateInstances")).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("DryRun", "true").containsEntry("InstanceId.1", VICTIM));
        assertThat(requests("TerminateInstanceInAutoScalingGroup")).isEmpty();
    }

    @Test
    void dryRunWithoutThePermissionIsAPermissionDeniedFinding() {
        answer("DescribeAutoScalingInstances", 200, AwsXml.autoScalingInstance(VICTIM, "api", "InService"));
        answer("TerminateInstances", 403, AwsXml.ec2Error("UnauthorizedOperation",
                "You are not authorized to perform this operation. Encoded authorization failure message: abc"));

        ProviderException e = assertKind(() -> provider.terminate(request(true, "key-1")), Kind.PERMISSION_DENIED);

        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("UnauthorizedOperation").contains("TerminateInstances");
        assertThat(requests("TerminateInstances")).hasSize(1);
    }

    @Test
    void anEndpointThatIgnoresDryRunIsNotTakenAsProof() {
        answer("DescribeAutoScalingInstances", 200, AwsXml.autoScalingInstance(VICTIM, "api", "InService"));
        answer("TerminateInstances", 200, "<TerminateInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                + "<requestId>r</requestId><instancesSet/></TerminateInstancesResponse>");

        assertKind(() -> provider.terminate(request(true, "key-1")), Kind.INVALID_REQUEST);
    }

    // ---- errors and the SDK's retries --------------------------------------------------------------------------

    @Test
    void throttlingThenSuccessIsRetriedByTheSdk() {
        stub.stubFor(post(urlEqualTo("/")).withFormParam("Action", equalTo("DescribeAutoScalingGroups"))
                .inScenario("throttle").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("calm")
                .willReturn(xml(400, AwsXml.autoScalingError("Sender", "Throttling", "Rate exceeded"))));
        stub.stubFor(post(urlEqualTo("/")).withFormParam("Action", equalTo("DescribeAutoScalingGroups"))
                .inScenario("throttle").whenScenarioStateIs("calm")
                .willReturn(xml(200, AwsXml.groups(null, new Group("api", 2, Map.of(), List.of())))));

        assertThat(provider.listGroups(GroupFilter.ALL)).extracting(g -> g.ref().name()).containsExactly("api");
        assertThat(requests("DescribeAutoScalingGroups")).hasSize(2);
    }

    @Test
    void throttlingUntilTheAttemptsAreExhaustedIsThrottled() {
        answer("DescribeAutoScalingGroups", 400, AwsXml.autoScalingError("Sender", "Throttling", "Rate exceeded"));

        ProviderException e = assertKind(() -> provider.listGroups(GroupFilter.ALL), Kind.THROTTLED);

        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("Throttling").contains("3 attempts");
        assertThat(requests("DescribeAutoScalingGroups")).hasSize(3);
    }

    @Test
    void ec2RequestLimitExceededIsThrottled() {
        answer("DescribeAutoScalingInstances", 200, AwsXml.autoScalingInstance(VICTIM, "api", "InService"));
        answer("TerminateInstances", 503, AwsXml.ec2Error("RequestLimitExceeded", "Request limit exceeded."));

        assertKind(() -> provider.terminate(request(true, "key-1")), Kind.THROTTLED);
        assertThat(requests("TerminateInstances")).hasSize(3);
    }

    @Test
    void accessDeniedIsPermissionDeniedAndNotRetried() {
        answer("DescribeAutoScalingGroups", 403, AwsXml.autoScalingError("Sender", "AccessDenied",
                "User: arn:aws:iam::123456789012:user/chaos is not authorized to perform: autoscaling:DescribeAutoScalingGroups"));

        ProviderException e = assertKind(() -> provider.listGroups(GroupFilter.ALL), Kind.PERMISSION_DENIED);

        assertThat(e.getMessage()).contains("autoscaling:DescribeAutoScalingGroups");
        assertThat(requests("DescribeAutoScalingGroups")).hasSize(1);
    }

    @Test
    void aValidationErrorOutsideTerminateIsAnInvalidRequest() {
        answer("DescribeAutoScalingGroups", 400, AwsXml.autoScalingError("Sender", "ValidationError",
                "1 validation error detected: Value at 'maxRecords' failed to satisfy constraint"));

        assertKind(() -> provider.listGroups(GroupFilter.ALL), Kind.INVALID_REQUEST);
    }

    @Test
    void http500IsTransientAfterTheSdksRetries() {
        stub.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "text/html").withBody("<html><body>Internal Server Error</body></html>")));

        ProviderException e = assertKind(() -> provider.health(API), Kind.TRANSIENT);

        assertThat(e.retryable()).isTrue();
        assertThat(requests("DescribeAutoScalingGroups")).hasSize(3);
    }

    @Test
    void anUnreachableEndpointIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (CloudProvider unreachable = create(Map.of("endpoint", "http://127.0.0.1:" + closedPort, "maxAttempts", "1"))) {
            ProviderException e = assertKind(() -> unreachable.listGroups(GroupFilter.ALL), Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains("cannot reach");
        }
    }

    // ---- credentials -------------------------------------------------------------------------------------------

    @Test
    void assumesTheConfiguredRoleAndSignsWithItsCredentials() {
        answer("AssumeRole", 200, AwsXml.assumeRole("ASIAASSUMEDROLE00001"));
        answer("DescribeAutoScalingGroups", 200, AwsXml.groups(null));
        try (CloudProvider assuming = create(Map.of("roleArn", "arn:aws:iam::123456789012:role/macaque",
                "externalId", "shared-secret-42", "sessionName", "chaos-run"))) {

            assertThat(assuming.listGroups(GroupFilter.ALL)).isEmpty();
        }

        assertThat(requests("AssumeRole")).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("RoleArn", "arn:aws:iam::123456789012:role/macaque")
                .containsEntry("ExternalId", "shared-secret-42")
                .containsEntry("RoleSessionName", "chaos-run"));
        LoggedRequest describe = stub.findAll(postRequestedFor(urlEqualTo("/"))
                .withFormParam("Action", equalTo("DescribeAutoScalingGroups"))).get(0);
        assertThat(describe.getHeader("Authorization")).contains("Credential=ASIAASSUMEDROLE00001/");
        assertThat(describe.getHeader("X-Amz-Security-Token")).isEqualTo("assumed-session-token");
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static TerminationRequest request(boolean dryRun, String key) {
        return new TerminationRequest(API, VICTIM, dryRun, "wire test", key);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder xml(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "text/xml").withBody(body);
    }

    private void answer(String action, int status, String body) {
        stub.stubFor(post(urlEqualTo("/")).withFormParam("Action", equalTo(action)).willReturn(xml(status, body)));
    }

    /** The form parameters of every request for {@code action}, in the order they arrived. */
    private List<Map<String, String>> requests(String action) {
        return stub.findAll(postRequestedFor(urlEqualTo("/")).withFormParam("Action", equalTo(action))).stream()
                .map(r -> form(r.getBodyAsString())).toList();
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.put(key, value);
        }
        return form;
    }

    private static ProviderException assertKind(Runnable call, Kind kind) {
        Throwable thrown = catchThrowable(call::run);
        assertThat(thrown).isInstanceOf(ProviderException.class);
        ProviderException e = (ProviderException) thrown;
        assertThat(e.kind()).as("kind of: %s", e.getMessage()).isEqualTo(kind);
        return e;
    }
}
