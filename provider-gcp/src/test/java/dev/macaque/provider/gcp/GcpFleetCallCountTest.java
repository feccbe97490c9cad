package dev.macaque.provider.gcp;

import static org.assertj.core.api.Assertions.assertThat;

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
 * What discovering a 1,000-MIG fleet costs in Compute calls, counted by the stateful Compute stub on 127.0.0.1 that
 * the real client talks to.
 */
class GcpFleetCallCountTest {
    private static final int GROUPS = 1_000;

    @Test
    void discoveringAThousandMigsListsOnceReadsTheSharedTemplateOnceAndTheMembersOfEachMigOnce() throws Exception {
        try (FakeCompute compute = thousandMigs();
             CloudProvider provider = new TestProviders().create("gcp-fleet", compute.endpoint(),
                     Map.of(GcpConfig.PROJECTS, "shop-prod"))) {
            List<GroupRef> refs = provider.listGroups(GroupFilter.ALL).stream().map(GroupSummary::ref).toList();
            assertThat(refs).hasSize(GROUPS);
            int before = compute.requests().size();

            DescribedGroups batch = provider.describeGroups(refs);

            assertThat(batch.groups()).hasSize(GROUPS).allSatisfy(g -> {
                assertThat(g.summary().optedIn()).isTrue();
                assertThat(g.healthyInService()).hasSize(1);
            });
            assertThat(batch.unreachable()).isEmpty();
            List<String> made = compute.requests().subList(before, compute.requests().size());
            assertThat(kinds(made)).isEqualTo(Map.of("aggregatedList", 1, "template", 1,
                    "listManagedInstances", GROUPS));

            int beforeOneByOne = compute.requests().size();
            for (GroupRef ref : refs.subList(0, 10)) {
                provider.describeGroup(ref);
            }
            assertThat(kinds(compute.requests().subList(beforeOneByOne, compute.requests().size())))
                    .as("one by one, as before SPI 1.1: MIG, template, members and creation times per group")
                    .isEqualTo(Map.of("get MIG", 10, "template", 10, "listManagedInstances", 10, "instances.list", 10));
        }
    }

    /**
     * A whole-fleet run, call by call as the engine makes them where the listing carries no members
     * (ExperimentRunTest.whereTheListingCarriesNoMembersOnlyTheGroupsDrawnAreRead pins the SPI calls): the listing
     * alone (the aggregated page and the shared template), selection on the listed counts, one
     * {@code describeListedGroups} of the MIG drawn, and the victim's group read again right before its kill. Against
     * issue 27's bound: what the aggregated listing needs plus the victims' reads.
     */
    @Test
    void aWholeFleetRunListsOnceAndReadsOnlyTheVictimsMig() throws Exception {
        try (FakeCompute compute = thousandMigs();
             CloudProvider provider = new TestProviders().create("gcp-fleet", compute.endpoint(),
                     Map.of(GcpConfig.PROJECTS, "shop-prod"))) {
            int before = compute.requests().size();
            var listing = provider.listAndDescribeGroups(GroupFilter.ALL, summary -> false);
            Map<String, Integer> discovery = kinds(compute.requests().subList(before, compute.requests().size()));
            GroupSummary drawn = listing.listed().get(417);
            int afterListing = compute.requests().size();
            DescribedGroups read = provider.describeListedGroups(List.of(drawn));
            Map<String, Integer> drawnRead = kinds(compute.requests().subList(afterListing, compute.requests().size()));
            int afterDrawn = compute.requests().size();
            provider.describeGroup(drawn.ref());
            Map<String, Integer> beforeKill = kinds(compute.requests().subList(afterDrawn, compute.requests().size()));

            assertThat(listing.listed()).hasSize(GROUPS);
            assertThat(read.groups()).singleElement().satisfies(g -> assertThat(g.healthyInService()).hasSize(1));
            assertThat(discovery).isEqualTo(Map.of("aggregatedList", 1, "template", 1));
            assertThat(drawnRead).isEqualTo(Map.of("listManagedInstances", 1));
            int discoveryCalls = discovery.values().stream().mapToInt(Integer::intValue).sum();
            int listingCalls = discovery.getOrDefault("aggregatedList", 0) + discovery.getOrDefault("template", 0);
            int drawnReads = drawnRead.values().stream().mapToInt(Integer::intValue).sum();
            int victimRead = beforeKill.values().stream().mapToInt(Integer::intValue).sum();
            System.out.printf("CLOUD-CALLS gcp groups=%d victims=1 listingPages=%d discovery=%d (aggregatedList %d, template %d)"
                    + " victimsMembers=%d victimRead=%d total=%d bound=%d met=%s%n", GROUPS, listingCalls, discoveryCalls,
                    discovery.getOrDefault("aggregatedList", 0), discovery.getOrDefault("template", 0), drawnReads, victimRead,
                    discoveryCalls + drawnReads + victimRead, listingCalls + 1 + victimRead,
                    discoveryCalls <= listingCalls && drawnReads <= 1);
        }
    }

    /**
     * The inventory's pattern (SPI 1.3): the fleet listed once, then the members of the groups a page shows, one
     * {@code listManagedInstances} each and no second {@code aggregatedList} (describeGroups would list again).
     */
    @Test
    void membersOfListedMigsCostOneListManagedInstancesEachAndNoListing() throws Exception {
        try (FakeCompute compute = thousandMigs();
             CloudProvider provider = new TestProviders().create("gcp-fleet", compute.endpoint(),
                     Map.of(GcpConfig.PROJECTS, "shop-prod"))) {
            int before = compute.requests().size();
            List<GroupSummary> listed = provider.listGroups(GroupFilter.ALL);
            assertThat(kinds(compute.requests().subList(before, compute.requests().size())))
                    .isEqualTo(Map.of("aggregatedList", 1, "template", 1));
            int afterListing = compute.requests().size();

            DescribedGroups page = provider.describeListedGroups(listed.subList(0, 100));

            assertThat(page.groups()).hasSize(100).allSatisfy(g -> assertThat(g.healthyInService()).hasSize(1));
            assertThat(page.groups().get(7).summary()).isEqualTo(listed.get(7));
            assertThat(kinds(compute.requests().subList(afterListing, compute.requests().size())))
                    .isEqualTo(Map.of("listManagedInstances", 100));
        }
    }

    /** 1,000 MIGs of one instance in one zone, all from one opted-in instance template. */
    private static FakeCompute thousandMigs() throws Exception {
        FakeCompute compute = new FakeCompute(Duration.ofMillis(300));
        String template = compute.globalTemplate("shop-prod", "fleet-v1", Map.of("macaque-enabled", "true"));
        for (int i = 0; i < GROUPS; i++) {
            compute.mig("shop-prod", "europe-west1-b", String.format("fleet-%04d", i), List.of("europe-west1-b"), 1)
                    .templateUrl = template;
        }
        return compute;
    }

    private static Map<String, Integer> kinds(List<String> requests) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String request : requests) {
            String kind = request.endsWith("/aggregated/instanceGroupManagers") ? "aggregatedList"
                    : request.contains("/instanceTemplates/") ? "template"
                    : request.endsWith("/listManagedInstances") ? "listManagedInstances"
                    : request.endsWith("/instances") ? "instances.list"
                    : request.contains("/instanceGroupManagers/") ? "get MIG" : request;
            counts.merge(kind, 1, Integer::sum);
        }
        return counts;
    }
}
