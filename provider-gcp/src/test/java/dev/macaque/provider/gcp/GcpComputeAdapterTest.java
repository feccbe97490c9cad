package dev.macaque.provider.gcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.Instance;
import dev.macaque.spi.LifecycleState;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The provider with the real Compute client against WireMock answering in Compute's JSON: which requests it sends,
 * and how it reads answers, errors and Operations.
 */
class GcpComputeAdapterTest {
    private static final String P = "/compute/v1/projects/shop-prod";
    private static final String GAPI = "https://www.googleapis.com/compute/v1/projects/shop-prod";
    private static final GroupRef API = new GroupRef("gcp-test", "europe-west1-b", "api");
    private static final GroupRef WEB = new GroupRef("gcp-test", "europe-west1", "web");

    private WireMockServer wire;
    private final TestProviders providers = new TestProviders();
    private GcpCloudProvider provider;

    @BeforeEach
    void start() {
        wire = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wire.start();
    }

    @AfterEach
    void stop() {
        if (provider != null) {
            provider.close();
        }
        wire.stop();
    }

    private GcpCloudProvider provider(String... keyValues) {
        Map<String, String> config = new HashMap<>();
        config.put(GcpConfig.PROJECTS, "shop-prod");
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        provider = providers.create("gcp-test", "http://127.0.0.1:" + wire.port(), config);
        return provider;
    }

    private static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8").withBody(body);
    }

    private static ResponseDefinitionBuilder error(int status, String apiStatus, String reason, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=UTF-8")
                .withBody("""
                        {"error": {"code": %d, "message": "%s", "status": "%s",
                          "errors": [{"message": "%s", "domain": "%s", "reason": "%s"}]}}
                        """.formatted(status, message, apiStatus, message,
                        reason.equals("rateLimitExceeded") ? "usageLimits" : "global", reason));
    }

    // ----- canned Compute resources

    private static String zonalMig(String name, String zone, int targetSize, String template, String allLabels,
            boolean healthCheck) {
        return """
                {"kind": "compute#instanceGroupManager", "name": "%s",
                 "zone": "%s/zones/%s", "selfLink": "%s/zones/%s/instanceGroupManagers/%s",
                 "instanceTemplate": "%s/global/instanceTemplates/%s", "baseInstanceName": "%s",
                 "targetSize": %d, "status": {"isStable": true}%s%s}
                """.formatted(name, GAPI, zone, GAPI, zone, name, GAPI, template, name, targetSize,
                allLabels == null ? "" : ", \"allInstancesConfig\": {\"properties\": {\"labels\": " + allLabels + "}}",
                healthCheck ? ", \"autoHealingPolicies\": [{\"healthCheck\": \"" + GAPI
                        + "/global/healthChecks/hc\", \"initialDelaySec\": 60}]" : "");
    }

    private static String regionalMig(String name, String region, int targetSize, String template, String allLabels) {
        return """
                {"kind": "compute#instanceGroupManager", "name": "%s",
                 "region": "%s/regions/%s", "selfLink": "%s/regions/%s/instanceGroupManagers/%s",
                 "instanceTemplate": "%s/global/instanceTemplates/%s", "targetSize": %d%s}
                """.formatted(name, GAPI, region, GAPI, region, name, GAPI, template, targetSize,
                allLabels == null ? "" : ", \"allInstancesConfig\": {\"properties\": {\"labels\": " + allLabels + "}}");
    }

    private static String template(String name, String labels) {
        return """
                {"kind": "compute#instanceTemplate", "name": "%s", "properties": {"machineType": "e2-small",
                 "labels": %s}}
                """.formatted(name, labels);
    }

    private static String managed(String name, String zone, String id, String status, String action, String health) {
        return """
                {"instance": "%s/zones/%s/instances/%s", "name": "%s", %s %s "currentAction": "%s"%s}
                """.formatted(GAPI, zone, name, name, id == null ? "" : "\"id\": \"" + id + "\",",
                status == null ? "" : "\"instanceStatus\": \"" + status + "\",", action,
                health == null ? "" : ", \"instanceHealth\": [{\"healthCheck\": \"" + GAPI
                        + "/global/healthChecks/hc\", \"detailedHealthState\": \"" + health + "\"}]");
    }

    private static String operation(String name, String scope, String status, String extra) {
        return """
                {"kind": "compute#operation", "id": "7001", "name": "%s", "%s": "%s/%s",
                 "operationType": "delete", "status": "%s", "progress": %d%s}
                """.formatted(name, scope.startsWith("zones/") ? "zone" : "region", GAPI, scope, status,
                status.equals("DONE") ? 100 : 0, extra);
    }

    private void stubApiMig(String allLabels, boolean healthCheck) {
        wire.stubFor(get(P + "/zones/europe-west1-b/instanceGroupManagers/api")
                .willReturn(json(zonalMig("api", "europe-west1-b", 3, "api-v2", allLabels, healthCheck))));
        wire.stubFor(get(P + "/global/instanceTemplates/api-v2").willReturn(json(template("api-v2", "{}"))));
    }

    private void stubApiMembers(String... members) {
        wire.stubFor(post(urlPathEqualTo(P + "/zones/europe-west1-b/instanceGroupManagers/api/listManagedInstances"))
                .willReturn(json("{\"managedInstances\": [" + String.join(",", members) + "]}")));
    }

    private void stubHealthyApiGroup() {
        stubApiMig(null, true);
        stubApiMembers(
                managed("api-1x2c", "europe-west1-b", "1001", "RUNNING", "NONE", "HEALTHY"),
                managed("api-7k9q", "europe-west1-b", "1002", "RUNNING", "NONE", "HEALTHY"),
                managed("api-p0m3", "europe-west1-b", "1003", "RUNNING", "NONE", "HEALTHY"));
    }

    private static TerminationRequest kill(GroupRef group, String instance, boolean dryRun, String key) {
        return new TerminationRequest(group, instance, dryRun, "run-42", key);
    }

    private static ProviderException thrown(Runnable call) {
        Throwable error = org.assertj.core.api.Assertions.catchThrowable(call::run);
        assertThat(error).isInstanceOf(ProviderException.class);
        return (ProviderException) error;
    }

    // ----- listing and labels

    @Test
    void listsZonalAndRegionalMigsWithLabelsFromAllInstancesConfigThenTemplateThenConfiguration() {
        wire.stubFor(get(urlPathEqualTo(P + "/aggregated/instanceGroupManagers")).willReturn(json("""
                {"kind": "compute#instanceGroupManagerAggregatedList", "items": {
                  "regions/europe-west1": {"instanceGroupManagers": [%s]},
                  "zones/europe-west1-b": {"instanceGroupManagers": [%s, %s]},
                  "zones/us-central1-a": {"instanceGroupManagers": [%s]},
                  "zones/asia-east1-a": {"warning": {"code": "NO_RESULTS_ON_PAGE", "message": "none"}}}}
                """.formatted(
                regionalMig("web", "europe-west1", 4, "web-v1", "{\"macaque-enabled\": \"true\", \"macaque-weight\": \"3\"}"),
                zonalMig("api", "europe-west1-b", 3, "api-v2", null, true),
                zonalMig("batch", "europe-west1-b", 2, "plain", null, false),
                zonalMig("ledger", "us-central1-a", 2, "plain", "{\"macaque-enabled\": \"false\"}", false)))));
        wire.stubFor(get(P + "/global/instanceTemplates/web-v1").willReturn(json(
                template("web-v1", "{\"macaque-weight\": \"1\", \"team\": \"payments\"}"))));
        wire.stubFor(get(P + "/global/instanceTemplates/api-v2").willReturn(json(
                template("api-v2", "{\"macaque-enabled\": \"true\"}"))));
        wire.stubFor(get(P + "/global/instanceTemplates/plain").willReturn(json(template("plain", "{}"))));

        List<GroupSummary> groups = provider().listGroups(GroupFilter.ALL);

        assertThat(groups).extracting(GroupSummary::ref).containsExactly(
                WEB, API, new GroupRef("gcp-test", "europe-west1-b", "batch"),
                new GroupRef("gcp-test", "us-central1-a", "ledger"));
        // all-instances configuration wins over the template, key by key
        assertThat(groups.get(0).tags()).containsEntry("macaque-enabled", "true").containsEntry("macaque-weight", "3")
                .containsEntry("team", "payments");
        assertThat(groups.get(0).desiredCapacity()).isEqualTo(4);
        // template labels alone
        assertThat(groups.get(1).optedIn()).isTrue();
        // no label opts it in: configuration cannot (there is no optInGroups any more)
        assertThat(groups.get(2).optedIn()).isFalse();
        assertThat(groups.get(3).optedIn()).isFalse();
        // partial success is asked for, so that one unreachable zone cannot fail the listing
        wire.verify(getRequestedFor(urlPathEqualTo(P + "/aggregated/instanceGroupManagers"))
                .withQueryParam("returnPartialSuccess", equalTo("true")));
        // one read per distinct template, however many groups share it
        wire.verify(1, getRequestedFor(urlPathEqualTo(P + "/global/instanceTemplates/plain")));
        wire.verify(1, getRequestedFor(urlPathEqualTo(P + "/aggregated/instanceGroupManagers")));
    }

    @Test
    void followsAggregatedListPagesAndReadsRegionalTemplates() {
        wire.stubFor(get(urlPathEqualTo(P + "/aggregated/instanceGroupManagers")).withQueryParam("pageToken",
                absent()).willReturn(json("""
                {"items": {"zones/europe-west1-b": {"instanceGroupManagers": [%s]}}, "nextPageToken": "page-2"}
                """.formatted(zonalMig("api", "europe-west1-b", 3, "plain", null, false)))));
        wire.stubFor(get(urlPathEqualTo(P + "/aggregated/instanceGroupManagers"))
                .withQueryParam("pageToken", equalTo("page-2"))
                .willReturn(json("""
                {"items": {"regions/europe-west1": {"instanceGroupManagers": [%s]}}}
                """.formatted(regionalMig("web", "europe-west1", 2, "plain", null)
                        .replace(GAPI + "/global/instanceTemplates/plain",
                                GAPI + "/regions/europe-west1/instanceTemplates/web-r1")))));
        wire.stubFor(get(P + "/global/instanceTemplates/plain").willReturn(json(template("plain", "{}"))));
        wire.stubFor(get(P + "/regions/europe-west1/instanceTemplates/web-r1").willReturn(json(
                template("web-r1", "{\"macaque-enabled\": \"true\"}"))));

        List<GroupSummary> groups = provider().listGroups(GroupFilter.tag("macaque-enabled", "true"));

        assertThat(groups).extracting(GroupSummary::ref).containsExactly(WEB);
        wire.verify(2, getRequestedFor(urlPathEqualTo(P + "/aggregated/instanceGroupManagers")));
    }

    @Test
    void regionsAndZonesInConfigurationLimitTheGroupsCovered() {
        wire.stubFor(get(urlPathEqualTo(P + "/aggregated/instanceGroupManagers")).willReturn(json("""
                {"items": {"regions/europe-west1": {"instanceGroupManagers": [%s]},
                  "zones/europe-west1-b": {"instanceGroupManagers": [%s]},
                  "zones/us-central1-a": {"instanceGroupManagers": [%s]},
                  "zones/us-east1-c": {"instanceGroupManagers": [%s]}}}
                """.formatted(regionalMig("web", "europe-west1", 4, "plain", null),
                zonalMig("api", "europe-west1-b", 3, "plain", null, false),
                zonalMig("ledger", "us-central1-a", 2, "plain", null, false),
                zonalMig("cron", "us-east1-c", 1, "plain", null, false)))));
        wire.stubFor(get(P + "/global/instanceTemplates/plain").willReturn(json(template("plain", "{}"))));

        List<GroupSummary> groups = provider(GcpConfig.REGIONS, "europe-west1", GcpConfig.ZONES, "us-east1-c")
                .listGroups(GroupFilter.ALL);

        assertThat(groups).extracting(g -> g.ref().name()).containsExactly("web", "api", "cron");
        assertThatThrownBy(() -> provider.describeGroup(new GroupRef("gcp-test", "us-central1-a", "ledger")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("us-central1-a").contains("not covered");
                });
    }

    @Test
    void groupNamesCarryTheProjectWhenSeveralProjectsAreCovered() {
        for (String project : List.of("shop-prod", "shop-staging")) {
            wire.stubFor(get(urlPathEqualTo("/compute/v1/projects/" + project + "/aggregated/instanceGroupManagers"))
                    .willReturn(json("{\"items\": {\"zones/europe-west1-b\": {\"instanceGroupManagers\": ["
                            + zonalMig("api", "europe-west1-b", 3, "plain", null, false) + "]}}}")));
        }
        wire.stubFor(get(urlPathMatching("/compute/v1/projects/shop-prod/global/instanceTemplates/plain"))
                .willReturn(json(template("plain", "{}"))));
        wire.stubFor(get("/compute/v1/projects/shop-staging/zones/europe-west1-b/instanceGroupManagers/api")
                .willReturn(json(zonalMig("api", "europe-west1-b", 1, "plain", null, false))));
        wire.stubFor(post(urlPathEqualTo(
                "/compute/v1/projects/shop-staging/zones/europe-west1-b/instanceGroupManagers/api/listManagedInstances"))
                .willReturn(json("{\"managedInstances\": []}")));

        List<GroupSummary> groups = provider(GcpConfig.PROJECTS, "shop-prod,shop-staging").listGroups(GroupFilter.ALL);

        assertThat(groups).extracting(g -> g.ref().name()).containsExactly("shop-prod/api", "shop-staging/api");
        GroupHealth staging = provider.health(new GroupRef("gcp-test", "europe-west1-b", "shop-staging/api"));
        assertThat(staging.desiredCapacity()).isEqualTo(1);
        assertThat(thrown(() -> provider.health(API)).kind()).isEqualTo(Kind.INVALID_REQUEST);
    }

    @Test
    void unreachableZonesAreReportedByTheBatchedReadAndTheReachableGroupsStillRead() {
        wire.stubFor(get(urlPathEqualTo(P + "/aggregated/instanceGroupManagers")).willReturn(json("""
                {"items": {"zones/europe-west1-b": {"instanceGroupManagers": [%s]}},
                 "unreachables": ["zones/us-central1-a"]}""".formatted(zonalMig("api", "europe-west1-b", 1, "plain", null, false)))));
        wire.stubFor(get(P + "/global/instanceTemplates/plain").willReturn(json(template("plain", "{\"macaque-enabled\": \"true\"}"))));
        wire.stubFor(post(urlPathEqualTo(P + "/zones/europe-west1-b/instanceGroupManagers/api/listManagedInstances"))
                .willReturn(json("{\"managedInstances\": []}")));
        GroupRef elsewhere = new GroupRef("gcp-test", "us-central1-a", "ledger");

        var batch = provider().describeGroups(List.of(API, elsewhere));

        assertThat(batch.groups()).extracting(VmGroup::ref).containsExactly(API);
        assertThat(batch.unreachable()).containsExactly("project shop-prod: zones/us-central1-a");
        assertThat(batch.notFound()).containsOnlyKeys(elsewhere);
        assertThat(batch.notFound().get(elsewhere)).contains("could not reach");
        assertThat(provider.listGroups(GroupFilter.ALL)).extracting(GroupSummary::ref).containsExactly(API);
    }

    // ----- describe and health

    @Test
    void describeReadsManagedInstancesWithStatusActionHealthAndCreationTime() {
        stubApiMig(null, true);
        stubApiMembers(
                managed("api-1x2c", "europe-west1-b", "1001", "RUNNING", "NONE", "HEALTHY"),
                managed("api-7k9q", "europe-west1-b", "1002", "RUNNING", "NONE", "UNHEALTHY"),
                managed("api-p0m3", "europe-west1-b", null, null, "CREATING", null),
                managed("api-r4t5", "europe-west1-b", "1004", "STOPPING", "RECREATING", null),
                managed("api-z8w1", "europe-west1-b", "1005", "TERMINATED", "NONE", null));
        wire.stubFor(get(urlPathEqualTo(P + "/zones/europe-west1-b/instances")).willReturn(json("""
                {"items": [{"name": "api-1x2c", "id": "1001", "status": "RUNNING",
                            "creationTimestamp": "2026-11-20T03:15:42.123-08:00"},
                           {"name": "api-7k9q", "id": "1002", "status": "RUNNING",
                            "creationTimestamp": "2026-11-21T00:00:00.000-08:00"}]}
                """)));

        VmGroup group = provider().describeGroup(API);

        assertThat(group.desiredCapacity()).isEqualTo(3);
        assertThat(group.instances()).containsExactly(
                new Instance("api-1x2c@1001", "europe-west1-b", LifecycleState.IN_SERVICE, true,
                        Instant.parse("2026-11-20T11:15:42.123Z")),
                new Instance("api-7k9q@1002", "europe-west1-b", LifecycleState.IN_SERVICE, false,
                        Instant.parse("2026-11-21T08:00:00Z")),
                new Instance("api-p0m3", "europe-west1-b", LifecycleState.PENDING, false, null),
                new Instance("api-r4t5@1004", "europe-west1-b", LifecycleState.TERMINATING, false, null),
                new Instance("api-z8w1@1005", "europe-west1-b", LifecycleState.OUT_OF_SERVICE, false, null));
        assertThat(group.healthyInService()).extracting(Instance::id).containsExactly("api-1x2c@1001");
        wire.verify(postRequestedFor(urlPathEqualTo(
                P + "/zones/europe-west1-b/instanceGroupManagers/api/listManagedInstances")));
        LoggedRequest list = wire.findAll(getRequestedFor(urlPathEqualTo(P + "/zones/europe-west1-b/instances"))).get(0);
        assertThat(list.queryParameter("filter").firstValue()).contains("(name = \"api-1x2c\")")
                .contains(" OR ").contains("(name = \"api-z8w1\")").doesNotContain("api-p0m3");
    }

    @Test
    void healthIsTargetSizeAgainstRunningHealthyMembersWithoutCurrentAction() {
        stubApiMig(null, true);
        stubApiMembers(
                managed("api-1x2c", "europe-west1-b", "1001", "RUNNING", "NONE", "HEALTHY"),
                managed("api-7k9q", "europe-west1-b", "1002", "RUNNING", "NONE", "UNHEALTHY"),
                managed("api-p0m3", "europe-west1-b", null, null, "CREATING", null),
                managed("api-r4t5", "europe-west1-b", "1004", "RUNNING", "REFRESHING", "HEALTHY"));

        GroupHealth health = provider().health(API);

        // REFRESHING applies a change (a label, as when opting in) to a running VM in place: it keeps serving
        assertThat(health).isEqualTo(new GroupHealth(API, 3, 2, 2));
        assertThat(health.atDesiredCapacity()).isFalse();
    }

    @Test
    void aRefreshingMemberIsInServiceAndAPendingVmIsPending() {
        stubApiMig(null, false);
        stubApiMembers(
                managed("api-1x2c", "europe-west1-b", "1001", "RUNNING", "REFRESHING", null),
                managed("api-7k9q", "europe-west1-b", "1002", "PENDING", "NONE", null),
                managed("api-p0m3", "europe-west1-b", "1003", "RUNNING", "NONE", null));
        wire.stubFor(get(urlPathEqualTo(P + "/zones/europe-west1-b/instances")).willReturn(json("{\"items\": []}")));

        VmGroup group = provider().describeGroup(API);

        assertThat(group.instances()).extracting(Instance::id, Instance::state, Instance::healthy).containsExactly(
                org.assertj.core.groups.Tuple.tuple("api-1x2c@1001", LifecycleState.IN_SERVICE, true),
                org.assertj.core.groups.Tuple.tuple("api-7k9q@1002", LifecycleState.PENDING, false),
                org.assertj.core.groups.Tuple.tuple("api-p0m3@1003", LifecycleState.IN_SERVICE, true));
        assertThat(provider.health(API)).isEqualTo(new GroupHealth(API, 3, 2, 1));
    }

    @Test
    void withoutAHealthCheckEveryRunningMemberWithoutActionCounts() {
        stubApiMig(null, false);
        stubApiMembers(
                managed("api-1x2c", "europe-west1-b", "1001", "RUNNING", "NONE", null),
                managed("api-7k9q", "europe-west1-b", "1002", "RUNNING", "NONE", null),
                managed("api-p0m3", "europe-west1-b", "1003", "RUNNING", "NONE", null));

        assertThat(provider().health(API).atDesiredCapacity()).isTrue();
    }

    // ----- terminate

    private void stubZonalOperation(String name, String... statuses) {
        String state = STARTED;
        for (int i = 0; i < statuses.length; i++) {
            String next = i == statuses.length - 1 ? state : "poll-" + (i + 1);
            MappingBuilder poll = get(urlPathEqualTo(P + "/zones/europe-west1-b/operations/" + name))
                    .inScenario(name).whenScenarioStateIs(state).willSetStateTo(next)
                    .willReturn(json(operation(name, "zones/europe-west1-b", statuses[i], "")));
            wire.stubFor(poll);
            state = next;
        }
    }

    @Test
    void terminateDeletesTheVmSoTheMigRecreatesItAndWaitsForTheOperation() {
        stubHealthyApiGroup();
        wire.stubFor(delete(urlPathEqualTo(P + "/zones/europe-west1-b/instances/api-7k9q"))
                .willReturn(json(operation("operation-del-1", "zones/europe-west1-b", "RUNNING", ""))));
        stubZonalOperation("operation-del-1", "RUNNING", "DONE");

        TerminationResult result = provider().terminate(kill(API, "api-7k9q@1002", false, "key-1"));

        assertThat(result.outcome()).isEqualTo(Outcome.TERMINATED);
        assertThat(result.detail()).contains("operation-del-1").contains("recreates api-7k9q");
        List<LoggedRequest> deletes = wire.findAll(deleteRequestedFor(urlPathMatching(".*/instances/.*")));
        assertThat(deletes).hasSize(1);
        assertThat(deletes.get(0).queryParameter("requestId").firstValue()).matches("[0-9a-f-]{36}");
        wire.verify(2, getRequestedFor(urlPathEqualTo(P + "/zones/europe-west1-b/operations/operation-del-1")));
        wire.verify(0, postRequestedFor(urlPathMatching(".*/(deleteInstances|recreateInstances)")));
    }

    @Test
    void recreateOptionCallsRecreateInstancesOnARegionalMig() {
        wire.stubFor(get(P + "/regions/europe-west1/instanceGroupManagers/web")
                .willReturn(json(regionalMig("web", "europe-west1", 2, "plain", null))));
        wire.stubFor(get(P + "/global/instanceTemplates/plain").willReturn(json(template("plain", "{}"))));
        wire.stubFor(post(urlPathEqualTo(P + "/regions/europe-west1/instanceGroupManagers/web/listManagedInstances"))
                .willReturn(json("{\"managedInstances\": [" + managed("web-a1", "europe-west1-c", "11", "RUNNING", "NONE", null)
                        + "," + managed("web-b2", "europe-west1-d", "12", "RUNNING", "NONE", null) + "]}")));
        wire.stubFor(post(urlPathEqualTo(P + "/regions/europe-west1/instanceGroupManagers/web/recreateInstances"))
                .willReturn(json(operation("operation-rec-1", "regions/europe-west1", "RUNNING", ""))));
        wire.stubFor(get(urlPathEqualTo(P + "/regions/europe-west1/operations/operation-rec-1"))
                .willReturn(json(operation("operation-rec-1", "regions/europe-west1", "DONE", ""))));

        TerminationResult result = provider(GcpConfig.TERMINATE_ACTION, "recreate")
                .terminate(kill(WEB, "web-b2@12", false, "key-2"));

        assertThat(result.outcome()).isEqualTo(Outcome.TERMINATED);
        wire.verify(postRequestedFor(urlPathEqualTo(P + "/regions/europe-west1/instanceGroupManagers/web/recreateInstances"))
                .withRequestBody(equalToJson("{\"instances\": [\"projects/shop-prod/zones/europe-west1-d/instances/web-b2\"]}"))
                .withQueryParam("requestId", matching("[0-9a-f-]{36}")));
        wire.verify(0, deleteRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void deleteInstancesShrinksTheGroupOnlyWhenConfiguredSo() {
        stubHealthyApiGroup();
        wire.stubFor(post(urlPathEqualTo(P + "/zones/europe-west1-b/instanceGroupManagers/api/deleteInstances"))
                .willReturn(json(operation("operation-di-1", "zones/europe-west1-b", "RUNNING", ""))));
        stubZonalOperation("operation-di-1", "DONE");

        TerminationResult result = provider(GcpConfig.TERMINATE_ACTION, "deleteInstances")
                .terminate(kill(API, "api-1x2c@1001", false, "key-3"));

        assertThat(result.outcome()).isEqualTo(Outcome.TERMINATED);
        assertThat(result.detail()).contains("target size shrank");
        wire.verify(postRequestedFor(urlPathEqualTo(P + "/zones/europe-west1-b/instanceGroupManagers/api/deleteInstances"))
                .withRequestBody(equalToJson("""
                        {"instances": ["projects/shop-prod/zones/europe-west1-b/instances/api-1x2c"],
                         "skipInstancesOnValidationError": false}""")));
    }

    @Test
    void aVmThatIsAlreadyGoneIsReportedAsAlreadyTerminated() {
        stubHealthyApiGroup();
        wire.stubFor(delete(urlPathEqualTo(P + "/zones/europe-west1-b/instances/api-7k9q")).willReturn(
                error(404, "NOT_FOUND", "notFound", "The resource 'projects/shop-prod/zones/europe-west1-b/instances/api-7k9q' was not found")));

        TerminationResult result = provider().terminate(kill(API, "api-7k9q@1002", false, "key-4"));

        assertThat(result.outcome()).isEqualTo(Outcome.ALREADY_TERMINATED);
        assertThat(result.detail()).contains("already gone");
    }

    @Test
    void aVmIdTheMigHasAlreadyReplacedIsAlreadyTerminatedAndNothingIsDeleted() {
        stubHealthyApiGroup();

        TerminationResult result = provider().terminate(kill(API, "api-7k9q@999", false, "key-5"));

        assertThat(result.outcome()).isEqualTo(Outcome.ALREADY_TERMINATED);
        assertThat(result.detail()).contains("api-7k9q@1002");
        wire.verify(0, deleteRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void aMemberTheMigIsAlreadyRecreatingIsAlreadyTerminated() {
        stubApiMig(null, true);
        stubApiMembers(managed("api-1x2c", "europe-west1-b", "1001", null, "RECREATING", null));

        TerminationResult result = provider().terminate(kill(API, "api-1x2c@1001", false, "key-6"));

        assertThat(result.outcome()).isEqualTo(Outcome.ALREADY_TERMINATED);
        wire.verify(0, deleteRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void anInstanceOutsideTheGroupIsNotFoundAndNothingIsDeleted() {
        stubHealthyApiGroup();

        ProviderException e = thrown(() -> provider().terminate(kill(API, "web-a1@11", false, "key-7")));

        assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(e.getMessage()).contains("web-a1@11").contains("api-1x2c@1001");
        wire.verify(0, deleteRequestedFor(urlPathMatching(".*")));
    }

    // ----- dry run

    @Test
    void dryRunProvesMembershipAndDeletePermissionWithoutActing() {
        stubHealthyApiGroup();
        wire.stubFor(post(urlPathEqualTo(P + "/zones/europe-west1-b/instances/api-7k9q/testIamPermissions"))
                .willReturn(json("{\"permissions\": [\"compute.instances.delete\"]}")));

        TerminationResult result = provider().terminate(kill(API, "api-7k9q@1002", true, "key-8"));

        assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN_WOULD_TERMINATE);
        assertThat(result.detail()).contains("nothing changed").contains("managed member")
                .contains("compute.instances.delete").contains("Not proven");
        wire.verify(postRequestedFor(urlPathEqualTo(P + "/zones/europe-west1-b/instances/api-7k9q/testIamPermissions"))
                .withRequestBody(equalToJson("{\"permissions\": [\"compute.instances.delete\"]}")));
        wire.verify(0, deleteRequestedFor(urlPathMatching(".*")));
        wire.verify(0, postRequestedFor(urlPathMatching(".*/(deleteInstances|recreateInstances)")));
    }

    @Test
    void dryRunWithoutTheDeletePermissionIsPermissionDenied() {
        stubHealthyApiGroup();
        wire.stubFor(post(urlPathEqualTo(P + "/zones/europe-west1-b/instances/api-7k9q/testIamPermissions"))
                .willReturn(json("{}")));

        ProviderException e = thrown(() -> provider().terminate(kill(API, "api-7k9q@1002", true, "key-9")));

        assertThat(e.kind()).isEqualTo(Kind.PERMISSION_DENIED);
        assertThat(e.getMessage()).contains("compute.instances.delete");
    }

    // ----- errors

    @Test
    void http429ResourceExhaustedIsThrottledOnTheFirstAnswerForTheEngineToRetry() {
        wire.stubFor(get(urlPathEqualTo(P + "/aggregated/instanceGroupManagers"))
                .willReturn(error(429, "RESOURCE_EXHAUSTED", "rateLimitExceeded", "Quota exceeded")
                        .withHeader("Retry-After", "7")));

        ProviderException e = thrown(() -> provider().listGroups(GroupFilter.ALL));

        assertThat(e.kind()).isEqualTo(Kind.THROTTLED);
        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        // one retry layer, the engine's: the provider neither repeats the call nor sleeps
        wire.verify(1, getRequestedFor(urlPathEqualTo(P + "/aggregated/instanceGroupManagers")));
    }

    @Test
    void http403RateLimitExceededIsThrottlingAndARetryOfTheSameTerminationReusesTheRequestId() {
        stubHealthyApiGroup();
        wire.stubFor(delete(urlPathEqualTo(P + "/zones/europe-west1-b/instances/api-7k9q")).inScenario("403")
                .whenScenarioStateIs(STARTED).willSetStateTo("ok")
                .willReturn(error(403, "PERMISSION_DENIED", "rateLimitExceeded",
                        "Rate Limit Exceeded: Operation rate exceeded for resource")));
        wire.stubFor(delete(urlPathEqualTo(P + "/zones/europe-west1-b/instances/api-7k9q")).inScenario("403")
                .whenScenarioStateIs("ok")
                .willReturn(json(operation("operation-del-2", "zones/europe-west1-b", "DONE", ""))));
        TerminationRequest request = kill(API, "api-7k9q@1002", false, "key-10");

        ProviderException throttled = thrown(() -> provider().terminate(request));
        assertThat(throttled.kind()).isEqualTo(Kind.THROTTLED);
        assertThat(throttled.retryable()).isTrue();
        // the engine's retry: the same request again
        TerminationResult result = provider.terminate(request);

        assertThat(result.outcome()).isEqualTo(Outcome.TERMINATED);
        List<LoggedRequest> deletes = wire.findAll(deleteRequestedFor(urlPathMatching(".*/instances/api-7k9q")));
        assertThat(deletes).hasSize(2);
        assertThat(deletes.get(1).queryParameter("requestId").firstValue())
                .isEqualTo(deletes.get(0).queryParameter("requestId").firstValue());
    }

    @Test
    void aVmBusyWithAnotherOperationIsARetryableConflictWhetherCompute400sOrTheOperationSaysSo() {
        stubHealthyApiGroup();
        wire.stubFor(delete(urlPathEqualTo(P + "/zones/europe-west1-b/instances/api-7k9q")).willReturn(
                error(400, "FAILED_PRECONDITION", "resourceNotReady",
                        "The resource 'projects/shop-prod/zones/europe-west1-b/instances/api-7k9q' is not ready")));
        wire.stubFor(delete(urlPathEqualTo(P + "/zones/europe-west1-b/instances/api-1x2c"))
                .willReturn(json(operation("operation-busy", "zones/europe-west1-b", "RUNNING", ""))));
        wire.stubFor(get(urlPathEqualTo(P + "/zones/europe-west1-b/operations/operation-busy"))
                .willReturn(json(operation("operation-busy", "zones/europe-west1-b", "DONE", """
                        , "httpErrorStatusCode": 400, "httpErrorMessage": "BAD REQUEST",
                        "error": {"errors": [{"code": "RESOURCE_NOT_READY", "message": "The resource is not ready"}]}"""))));
        provider();

        ProviderException direct = thrown(() -> provider.terminate(kill(API, "api-7k9q@1002", false, "busy-1")));
        ProviderException inOperation = thrown(() -> provider.terminate(kill(API, "api-1x2c", false, "busy-2")));

        assertThat(direct.kind()).isEqualTo(Kind.CONFLICT);
        assertThat(direct.retryable()).isTrue();
        assertThat(direct.getMessage()).contains("is not ready");
        assertThat(inOperation.kind()).isEqualTo(Kind.CONFLICT);
        assertThat(inOperation.retryable()).isTrue();
        wire.verify(1, deleteRequestedFor(urlPathMatching(".*/instances/api-7k9q")));
    }

    @Test
    void anyOther403IsPermissionDeniedAndNotRetried() {
        wire.stubFor(get(P + "/zones/europe-west1-b/instanceGroupManagers/api").willReturn(error(403,
                "PERMISSION_DENIED", "forbidden",
                "Required 'compute.instanceGroupManagers.get' permission for 'projects/shop-prod/zones/europe-west1-b/instanceGroupManagers/api'")));

        ProviderException e = thrown(() -> provider().describeGroup(API));

        assertThat(e.kind()).isEqualTo(Kind.PERMISSION_DENIED);
        assertThat(e.getMessage()).contains("get MIG shop-prod/europe-west1-b/api").contains("403")
                // Compute's own text, which names the missing permission, not just "Forbidden"
                .contains("Required 'compute.instanceGroupManagers.get' permission for"
                        + " 'projects/shop-prod/zones/europe-west1-b/instanceGroupManagers/api'");
        wire.verify(1, getRequestedFor(urlPathEqualTo(P + "/zones/europe-west1-b/instanceGroupManagers/api")));
    }

    @Test
    void aMissingMigIsNotFound() {
        wire.stubFor(get(P + "/zones/europe-west1-b/instanceGroupManagers/api").willReturn(error(404, "NOT_FOUND",
                "notFound", "The resource 'projects/shop-prod/zones/europe-west1-b/instanceGroupManagers/api' was not found")));

        assertThat(thrown(() -> provider().health(API)).kind()).isEqualTo(Kind.NOT_FOUND);
    }

    @Test
    void conflictsAndServerErrorsAreClassified() {
        stubHealthyApiGroup();
        wire.stubFor(delete(urlPathEqualTo(P + "/zones/europe-west1-b/instances/api-1x2c")).willReturn(
                error(409, "ABORTED", "resourceNotReady", "The resource is not ready")));
        wire.stubFor(delete(urlPathEqualTo(P + "/zones/europe-west1-b/instances/api-7k9q")).willReturn(
                error(412, "FAILED_PRECONDITION", "conditionNotMet", "Precondition failed")));
        wire.stubFor(delete(urlPathEqualTo(P + "/zones/europe-west1-b/instances/api-p0m3")).willReturn(
                error(503, "UNAVAILABLE", "backendError", "Backend error")));
        provider();

        assertThat(thrown(() -> provider.terminate(kill(API, "api-1x2c", false, "k-a"))).kind()).isEqualTo(Kind.CONFLICT);
        assertThat(thrown(() -> provider.terminate(kill(API, "api-7k9q", false, "k-b"))).kind()).isEqualTo(Kind.CONFLICT);
        ProviderException unavailable = thrown(() -> provider.terminate(kill(API, "api-p0m3", false, "k-c")));
        assertThat(unavailable.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(unavailable.retryable()).isTrue();
    }

    @Test
    void a5xxOnAReadIsTransientWithoutTheClientsTenMinuteRetry() {
        wire.stubFor(get(P + "/zones/europe-west1-b/instanceGroupManagers/api").willReturn(
                error(503, "UNAVAILABLE", "backendError", "Backend error")));
        long start = System.nanoTime();

        assertThat(thrown(() -> provider().describeGroup(API)).kind()).isEqualTo(Kind.TRANSIENT);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        wire.verify(1, getRequestedFor(urlPathEqualTo(P + "/zones/europe-west1-b/instanceGroupManagers/api")));
    }

    @Test
    void anUnreachableEndpointIsUnavailable() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        provider = providers.create("gcp-test", "http://127.0.0.1:" + closedPort, Map.of(GcpConfig.PROJECTS, "shop-prod"));

        ProviderException e = thrown(() -> provider.listGroups(GroupFilter.ALL));

        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("unreachable");
    }

    @Test
    void anOperationThatEndsInErrorFailsTheTermination() {
        stubHealthyApiGroup();
        wire.stubFor(delete(urlPathEqualTo(P + "/zones/europe-west1-b/instances/api-7k9q"))
                .willReturn(json(operation("operation-del-3", "zones/europe-west1-b", "RUNNING", ""))));
        wire.stubFor(get(urlPathEqualTo(P + "/zones/europe-west1-b/operations/operation-del-3"))
                .willReturn(json(operation("operation-del-3", "zones/europe-west1-b", "DONE", """
                        , "httpErrorStatusCode": 400, "httpErrorMessage": "BAD REQUEST",
                        "error": {"errors": [{"code": "RESOURCE_IN_USE_BY_ANOTHER_RESOURCE",
                          "message": "The disk resource is already being used by another VM"}]}"""))));

        ProviderException e = thrown(() -> provider().terminate(kill(API, "api-7k9q@1002", false, "key-11")));

        assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST);
        assertThat(e.getMessage()).contains("api-7k9q");
        assertThat(e.getMessage()).contains("operation-del-3")
                .contains("RESOURCE_IN_USE_BY_ANOTHER_RESOURCE: The disk resource is already being used by another VM");
    }

    @Test
    void anOperationThatNeverFinishesTimesOutWithinTheConfiguredBound() {
        stubHealthyApiGroup();
        wire.stubFor(delete(urlPathEqualTo(P + "/zones/europe-west1-b/instances/api-7k9q"))
                .willReturn(json(operation("operation-del-4", "zones/europe-west1-b", "RUNNING", ""))));
        wire.stubFor(get(urlPathEqualTo(P + "/zones/europe-west1-b/operations/operation-del-4"))
                .willReturn(json(operation("operation-del-4", "zones/europe-west1-b", "RUNNING", ""))));
        long start = System.nanoTime();

        ProviderException e = thrown(() -> provider(GcpConfig.OPERATION_TIMEOUT, "700ms")
                .terminate(kill(API, "api-7k9q@1002", false, "key-12")));

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.getMessage()).contains("did not finish within PT0.7S");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(wire.findAll(getRequestedFor(urlPathEqualTo(P + "/zones/europe-west1-b/operations/operation-del-4"))))
                .hasSizeGreaterThan(1);
    }

    @Test
    void theSameIdempotencyKeyNeverKillsTwice() {
        stubHealthyApiGroup();
        wire.stubFor(delete(urlPathMatching(P + "/zones/europe-west1-b/instances/.*"))
                .willReturn(json(operation("operation-del-5", "zones/europe-west1-b", "DONE", ""))));
        TerminationRequest request = kill(API, "api-7k9q@1002", false, "key-13");

        TerminationResult first = provider().terminate(request);
        TerminationResult again = provider.terminate(request);

        assertThat(again).isEqualTo(first);
        wire.verify(1, deleteRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void requestsAreSentToTheConfiguredEndpointOnly() {
        wire.stubFor(get(urlPathEqualTo(P + "/aggregated/instanceGroupManagers")).willReturn(json("{}")));

        provider().listGroups(GroupFilter.ALL);

        assertThat(wire.getAllServeEvents()).isNotEmpty()
                .allSatisfy(event -> assertThat(event.getRequest().getHeader("Host")).startsWith("127.0.0.1"));
        assertThat(wire.getAllServeEvents().get(0).getRequest().getUrl()).contains(P + "/aggregated/instanceGroupManagers");
    }
}
