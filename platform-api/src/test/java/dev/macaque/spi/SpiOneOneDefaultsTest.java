package dev.macaque.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.macaque.spi.testing.InMemoryCloud;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The methods SPI 1.1, 1.2, 1.3 and 1.4 added are defaults: a provider written for 1.0 gets working behaviour without a change. */
class SpiOneOneDefaultsTest {

    /** A provider as written against SPI 1.0: it overrides only the 1.0 methods and counts describeGroup calls. */
    private static final class OneZeroProvider implements CloudProvider {
        final InMemoryCloud cloud = new InMemoryCloud("old")
                .group("r1", "a", 2, Map.of("macaque-enabled", "true"))
                .group("r1", "b", 1, Map.of());
        final List<GroupRef> described = new ArrayList<>();
        RuntimeException failOn;

        @Override public String id() { return "old"; }
        @Override public String type() { return "old"; }
        @Override public List<GroupSummary> listGroups(GroupFilter filter) { return cloud.listGroups(filter); }
        @Override public VmGroup describeGroup(GroupRef group) {
            described.add(group);
            if (failOn != null) {
                throw failOn;
            }
            return cloud.describeGroup(group);
        }
        @Override public GroupHealth health(GroupRef group) { return cloud.health(group); }
        @Override public TerminationResult terminate(TerminationRequest request) {
            if (failOn != null && request.instanceId().equals(failOnInstance)) {
                throw failOn;
            }
            return cloud.terminate(request);
        }
        String failOnInstance;
    }

    @Test
    void theDefaultBatchTerminationTerminatesOneByOneWithAnOutcomePerMember() {
        OneZeroProvider old = new OneZeroProvider();
        GroupRef a = new GroupRef("old", "r1", "a");
        List<String> ids = old.cloud.describeGroup(a).instances().stream().map(Instance::id).toList();
        TerminationRequest first = new TerminationRequest(a, ids.get(0), false, "zone outage", "k-1");
        TerminationRequest missing = new TerminationRequest(a, "i-none", false, "zone outage", "k-2");
        TerminationRequest second = new TerminationRequest(a, ids.get(1), false, "zone outage", "k-3");

        List<MemberTermination> outcomes = old.terminateMembers(a, List.of(first, missing, second));

        assertThat(outcomes).extracting(MemberTermination::request).containsExactly(first, missing, second);
        assertThat(outcomes.get(0).result().outcome()).isEqualTo(TerminationResult.Outcome.TERMINATED);
        assertThat(outcomes.get(1).error().kind()).isEqualTo(ProviderException.Kind.NOT_FOUND);
        assertThat(outcomes.get(2).result().outcome()).isEqualTo(TerminationResult.Outcome.TERMINATED);
    }

    @Test
    void aRetryableFailureBeforeAnythingWasDoneFailsTheWholeBatchSoThatItCanBeRepeated() {
        OneZeroProvider old = new OneZeroProvider();
        GroupRef a = new GroupRef("old", "r1", "a");
        List<String> ids = old.cloud.describeGroup(a).instances().stream().map(Instance::id).toList();
        old.failOn = new ProviderException(ProviderException.Kind.THROTTLED, "slow down");
        old.failOnInstance = ids.get(0);
        List<TerminationRequest> both = List.of(new TerminationRequest(a, ids.get(0), false, "zone", "k-1"),
                new TerminationRequest(a, ids.get(1), false, "zone", "k-2"));

        assertThatThrownBy(() -> old.terminateMembers(a, both)).isInstanceOf(ProviderException.class).hasMessage("slow down");
        assertThat(old.cloud.describeGroup(a).instances()).hasSize(2);

        old.failOnInstance = ids.get(1); // throttled after the first was terminated: that member's own outcome
        List<MemberTermination> outcomes = old.terminateMembers(a, both);
        assertThat(outcomes.get(0).result()).isNotNull();
        assertThat(outcomes.get(1).error().kind()).isEqualTo(ProviderException.Kind.THROTTLED);
        assertThatThrownBy(() -> old.terminateMembers(new GroupRef("old", "r1", "b"), both))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultBatchedReadDescribesEachDistinctGroupOnceAndListsTheMissingOnesWithTheirReason() {
        OneZeroProvider old = new OneZeroProvider();
        GroupRef a = new GroupRef("old", "r1", "a");
        GroupRef b = new GroupRef("old", "r1", "b");
        GroupRef gone = new GroupRef("old", "r1", "gone");

        DescribedGroups batch = old.describeGroups(List.of(b, a, gone, a));

        assertThat(batch.groups()).extracting(VmGroup::ref).containsExactly(b, a);
        assertThat(batch.groups().get(1).instances()).hasSize(2);
        assertThat(batch.notFound()).containsOnlyKeys(gone);
        assertThat(batch.notFound().get(gone)).contains("no group");
        assertThat(batch.unreachable()).isEmpty();
        assertThat(old.described).containsExactly(b, a, gone);
    }

    @Test
    void theDefaultListAndReadListsEveryGroupAndReadsOnlyTheAcceptedOnes() {
        OneZeroProvider old = new OneZeroProvider();

        ListedGroups listed = old.listAndDescribeGroups(GroupFilter.ALL, GroupSummary::optedIn);

        assertThat(listed.listed()).extracting(g -> g.ref().name()).containsExactly("a", "b");
        assertThat(listed.described().groups()).extracting(g -> g.ref().name()).containsExactly("a");
        assertThat(old.described).containsExactly(new GroupRef("old", "r1", "a"));

        old.described.clear();
        assertThat(old.listAndDescribeGroups(GroupFilter.ALL, g -> false).described().groups()).isEmpty();
        assertThat(old.described).as("nothing accepted, nothing read").isEmpty();
    }

    @Test
    void theDefaultBatchedReadFailsAsAWholeOnAnythingButNotFound() {
        OneZeroProvider old = new OneZeroProvider();
        old.failOn = new ProviderException(ProviderException.Kind.THROTTLED, "slow down");

        assertThatThrownBy(() -> old.describeGroups(List.of(new GroupRef("old", "r1", "a"))))
                .isInstanceOf(ProviderException.class).hasMessage("slow down");
    }

    @Test
    void aFactoryLoadedWithoutAManifestVersionHasNoPluginVersion() {
        ProviderFactory factory = new ProviderFactory() {
            @Override public String type() { return "old"; }
            @Override public String spiVersion() { return "1.0"; }
            @Override public String description() { return "written for SPI 1.0"; }
            @Override public CloudProvider create(ProviderContext context) { return new OneZeroProvider(); }
        };

        assertThat(factory.pluginVersion()).isEmpty();
        assertThat(SpiVersion.isCompatible(SpiVersion.CURRENT, factory.spiVersion())).isTrue();
        assertThat(SpiVersion.CURRENT).isEqualTo("1.4");
    }

    @Test
    void spiOneThreesDefaultsSayTheListingCarriesNoMembersAndReadListedGroupsThroughDescribe() {
        OneZeroProvider old = new OneZeroProvider();
        List<GroupSummary> listed = old.listGroups(GroupFilter.ALL);

        DescribedGroups read = old.describeListedGroups(listed);

        assertThat(old.listingCarriesMembers()).isFalse();
        assertThat(read.groups()).extracting(VmGroup::ref).containsExactly(listed.get(0).ref(), listed.get(1).ref());
        assertThat(read.groups().get(0).instances()).hasSize(2);
        assertThat(old.described).containsExactly(listed.get(0).ref(), listed.get(1).ref());
    }

    @Test
    void aRequiredConfigValueThatIsAbsentOrBlankIsAnInvalidRequestNamingInstanceAndKey() {
        ProviderContext context = new ProviderContext() {
            @Override public String instanceId() { return "ex-1"; }
            @Override public Map<String, String> config() { return Map.of("endpoint", "https://x", "blank", " "); }
            @Override public Clock clock() { return Clock.systemUTC(); }
            @Override public System.Logger logger() { return System.getLogger("test"); }
        };

        assertThat(context.requiredConfigValue("endpoint")).isEqualTo("https://x");
        assertThatThrownBy(() -> context.requiredConfigValue("region")).isInstanceOf(ProviderException.class)
                .hasMessage("provider 'ex-1': configuration key 'region' is required")
                .satisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.INVALID_REQUEST));
        assertThatThrownBy(() -> context.requiredConfigValue("blank")).hasMessageContaining("must not be blank");
    }

    @Test
    void spiOneFoursDefaultsSayTheProviderGatesNothingAndTheContextsGateAdmitsAtOnce() {
        ProviderContext olderServer = new ProviderContext() {
            @Override public String instanceId() { return "ex-1"; }
            @Override public Map<String, String> config() { return Map.of(); }
            @Override public Clock clock() { return Clock.systemUTC(); }
            @Override public System.Logger logger() { return System.getLogger("test"); }
        };

        assertThat(new OneZeroProvider().gatesEachRequest()).isFalse();
        assertThat(olderServer.callGate()).isSameAs(CallGate.OPEN);
        for (int i = 0; i < 10_000; i++) {
            olderServer.callGate().acquire("GET /groups"); // never blocks, never throws
        }
    }
}
