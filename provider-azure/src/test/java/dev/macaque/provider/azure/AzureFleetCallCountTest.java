package dev.macaque.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.management.AzureEnvironment;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.DescribedGroups;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What discovering a 1,000-scale-set fleet costs in ARM calls, counted by the stateful ARM stub on 127.0.0.1 that
 * the real SDK talks to.
 */
class AzureFleetCallCountTest {
    private static final String SUB = "11111111-2222-3333-4444-555555555555";
    private static final int GROUPS = 1_000;

    @Test
    void discoveringAThousandScaleSetsListsTheSubscriptionOnceAndReadsEachScaleSetsMembersOnce() throws Exception {
        HttpClient httpClient = new NettyAsyncHttpClientBuilder().build();
        try (ArmScaleSetStub arm = new ArmScaleSetStub(Duration.ofMillis(200))) {
            try (CloudProvider provider = thousandScaleSets(arm, httpClient)) {
                List<GroupRef> refs = provider.listGroups(GroupFilter.ALL).stream().map(GroupSummary::ref).toList();
                assertThat(refs).hasSize(GROUPS);
                arm.forgetRequests();

                DescribedGroups batch = provider.describeGroups(refs);

                assertThat(batch.groups()).hasSize(GROUPS).allSatisfy(g -> assertThat(g.healthyInService()).hasSize(1));
                assertThat(kinds(arm.requests())).isEqualTo(Map.of("list scale sets", 1, "list members", GROUPS));

                arm.forgetRequests();
                for (GroupRef ref : refs.subList(0, 10)) {
                    provider.describeGroup(ref);
                }
                assertThat(kinds(arm.requests())).as("one by one, as before SPI 1.1")
                        .isEqualTo(Map.of("get scale set", 10, "list members", 10));
            }
        }
    }

    /**
     * A whole-fleet run, call by call as the engine makes them where the listing carries no members
     * (ExperimentRunTest.whereTheListingCarriesNoMembersOnlyTheGroupsDrawnAreRead pins the SPI calls): the listing
     * alone, selection on the listed counts, one {@code describeListedGroups} of the group drawn, and the victim's
     * group read again right before its kill. Against issue 27's bound: the listing's pages plus the victims' reads.
     */
    @Test
    void aWholeFleetRunListsTheSubscriptionOnceAndReadsOnlyTheVictimsGroup() throws Exception {
        HttpClient httpClient = new NettyAsyncHttpClientBuilder().build();
        try (ArmScaleSetStub arm = new ArmScaleSetStub(Duration.ofMillis(200))) {
            try (CloudProvider provider = thousandScaleSets(arm, httpClient)) {
                arm.forgetRequests();
                var listing = provider.listAndDescribeGroups(GroupFilter.ALL, summary -> false);
                Map<String, Integer> discovery = kinds(arm.requests());
                GroupSummary drawn = listing.listed().get(417);
                arm.forgetRequests();
                DescribedGroups read = provider.describeListedGroups(List.of(drawn));
                Map<String, Integer> drawnRead = kinds(arm.requests());
                arm.forgetRequests();
                provider.describeGroup(drawn.ref());
                Map<String, Integer> beforeKill = kinds(arm.requests());

                assertThat(listing.listed()).hasSize(GROUPS);
                assertThat(read.groups()).singleElement().satisfies(g -> assertThat(g.healthyInService()).hasSize(1));
                int listingPages = 1;
                assertThat(discovery).isEqualTo(Map.of("list scale sets", listingPages));
                assertThat(drawnRead).isEqualTo(Map.of("list members", 1));
                assertThat(beforeKill).isEqualTo(Map.of("get scale set", 1, "list members", 1));
                int discoveryCalls = discovery.values().stream().mapToInt(Integer::intValue).sum();
                int drawnReads = drawnRead.values().stream().mapToInt(Integer::intValue).sum();
                int victimRead = beforeKill.values().stream().mapToInt(Integer::intValue).sum();
                int pages = discovery.getOrDefault("list scale sets", 0);
                System.out.printf("CLOUD-CALLS azure groups=%d victims=1 listingPages=%d discovery=%d victimsMembers=%d"
                        + " victimRead=%d total=%d bound=%d met=%s%n", GROUPS, pages, discoveryCalls, drawnReads, victimRead,
                        discoveryCalls + drawnReads + victimRead, pages + 1 + victimRead, discoveryCalls <= pages && drawnReads <= 1);
            }
        }
    }

    /**
     * The inventory's pattern (SPI 1.3): the subscription listed once, then the members of the groups a page shows,
     * one member listing each and no second scale-set listing (describeGroups would list again).
     */
    @Test
    void membersOfListedScaleSetsCostOneMemberListingEachAndNoListing() throws Exception {
        HttpClient httpClient = new NettyAsyncHttpClientBuilder().build();
        try (ArmScaleSetStub arm = new ArmScaleSetStub(Duration.ofMillis(200))) {
            try (CloudProvider provider = thousandScaleSets(arm, httpClient)) {
                arm.forgetRequests();
                List<GroupSummary> listed = provider.listGroups(GroupFilter.ALL);
                assertThat(kinds(arm.requests())).isEqualTo(Map.of("list scale sets", 1));
                arm.forgetRequests();

                DescribedGroups page = provider.describeListedGroups(listed.subList(0, 100));

                assertThat(page.groups()).hasSize(100).allSatisfy(g -> assertThat(g.healthyInService()).hasSize(1));
                assertThat(page.groups().get(7).summary()).isEqualTo(listed.get(7));
                assertThat(kinds(arm.requests())).isEqualTo(Map.of("list members", 100));
            }
        }
    }

    /** 1,000 opted-in scale sets of one instance in one resource group, and a provider reading them. */
    private static CloudProvider thousandScaleSets(ArmScaleSetStub arm, HttpClient httpClient) {
        for (int i = 0; i < GROUPS; i++) {
            arm.scaleSet(SUB, "rg-fleet", String.format("vmss-%04d", i), "westeurope", 1,
                    Map.of("macaque-enabled", "true"), 0);
        }
        return AzureProviderFactory.create(
                new TestContext("az-fleet", Map.of("subscriptions", SUB, "pollInterval", "20ms")),
                ArmConnection.pipeline(httpClient, new ExponentialBackoff(1, Duration.ofMillis(10), Duration.ofMillis(50))),
                AzureProviderConfig.withResourceManagerEndpoint(AzureEnvironment.AZURE, arm.baseUrl()));
    }

    private static Map<String, Integer> kinds(List<String> requests) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String request : requests) {
            String kind = request.endsWith("/virtualMachines") ? "list members"
                    : request.endsWith("/virtualMachineScaleSets") ? "list scale sets"
                    : request.matches(".*/virtualMachineScaleSets/[^/]+$") ? "get scale set" : request;
            counts.merge(kind, 1, Integer::sum);
        }
        return counts;
    }
}
