package dev.macaque.spi.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.DescribedGroups;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.Instance;
import dev.macaque.spi.OptIn;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.VmGroup;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CloudProvider} must have. A provider's test suite extends this class, builds a world
 * that matches {@link #fixture()} (a simulated world, a cloud emulator, a stateful stub) and passes every test.
 *
 * <p>Each test gets a fresh provider from {@link #createProvider()}; worlds may be shared across tests only if
 * {@link #createProvider()} resets them to the fixture's state.
 */
public abstract class CloudProviderContract {

    protected CloudProvider provider;

    /** A provider over a world in the state {@link #fixture()} describes. Called before every test. */
    protected abstract CloudProvider createProvider() throws Exception;

    /** The world's known groups and tags. */
    protected abstract ContractFixture fixture();

    /**
     * Lets the world move on until {@code group} has had time to replace a terminated member. The default polls
     * {@link CloudProvider#health(GroupRef)} in real time; simulated worlds override it to advance virtual time.
     */
    protected void awaitReplacement(GroupRef group) throws InterruptedException {
        long deadline = System.nanoTime() + recoveryTimeout().toNanos();
        while (!provider.health(group).atDesiredCapacity()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("group " + group + " did not return to desired capacity within "
                        + recoveryTimeout() + "; last health: " + provider.health(group));
            }
            Thread.sleep(50);
        }
    }

    /** How long {@link #awaitReplacement(GroupRef)} waits in real time. */
    protected Duration recoveryTimeout() {
        return Duration.ofSeconds(30);
    }

    @BeforeEach
    final void openProvider() throws Exception {
        provider = createProvider();
    }

    @AfterEach
    final void closeProvider() {
        if (provider != null) {
            provider.close();
        }
    }

    private static TerminationRequest request(GroupRef group, String instanceId, boolean dryRun) {
        return new TerminationRequest(group, instanceId, dryRun, "contract test", UUID.randomUUID().toString());
    }

    private Instance firstHealthyMember(GroupRef group) {
        List<Instance> healthy = provider.describeGroup(group).healthyInService();
        assertThat(healthy).as("healthy members of %s", group).isNotEmpty();
        return healthy.get(0);
    }

    @Test
    void reportsItsInstanceIdOnEveryGroup() {
        assertThat(provider.id()).isEqualTo(fixture().optedIn().provider());
        assertThat(provider.listGroups(GroupFilter.ALL)).isNotEmpty()
                .allSatisfy(g -> assertThat(g.ref().provider()).isEqualTo(provider.id()));
    }

    @Test
    void listsEveryGroupWithoutAFilter() {
        assertThat(provider.listGroups(GroupFilter.ALL)).extracting(GroupSummary::ref)
                .contains(fixture().optedIn(), fixture().notOptedIn());
    }

    @Test
    void listsGroupsInStableOrderByRegionThenName() {
        List<GroupRef> refs = provider.listGroups(GroupFilter.ALL).stream().map(GroupSummary::ref).toList();
        assertThat(refs).isSortedAccordingTo(Comparator.comparing(GroupRef::region).thenComparing(GroupRef::name));
        assertThat(provider.listGroups(GroupFilter.ALL).stream().map(GroupSummary::ref).toList()).isEqualTo(refs);
    }

    @Test
    void reportsOptInTagsFaithfully() {
        List<GroupSummary> groups = provider.listGroups(GroupFilter.ALL);
        GroupSummary in = find(groups, fixture().optedIn());
        GroupSummary out = find(groups, fixture().notOptedIn());
        assertThat(in.tags()).containsEntry(OptIn.ENABLED_KEY, "true").containsEntry(fixture().tagKey(), fixture().tagValue());
        assertThat(in.optedIn()).isTrue();
        assertThat(out.optedIn()).isFalse();
    }

    @Test
    void filtersByTag() {
        List<GroupRef> tagged = refs(provider.listGroups(GroupFilter.tag(fixture().tagKey(), fixture().tagValue())));
        assertThat(tagged).contains(fixture().optedIn()).doesNotContain(fixture().notOptedIn());

        List<GroupRef> enabled = refs(provider.listGroups(GroupFilter.tag(OptIn.ENABLED_KEY, "true")));
        assertThat(enabled).contains(fixture().optedIn()).doesNotContain(fixture().notOptedIn());

        assertThat(provider.listGroups(GroupFilter.tag(fixture().tagKey(), fixture().tagValue() + "-no-such-value"))).isEmpty();
    }

    @Test
    void filtersByRegion() {
        String region = fixture().optedIn().region();
        List<GroupSummary> inRegion = provider.listGroups(GroupFilter.regions(region));
        assertThat(refs(inRegion)).contains(fixture().optedIn());
        assertThat(inRegion).allSatisfy(g -> assertThat(g.ref().region()).isEqualTo(region));
        assertThat(provider.listGroups(GroupFilter.regions("macaque-no-such-region-9"))).isEmpty();
    }

    @Test
    void describesAGroupWithItsMembers() {
        VmGroup group = provider.describeGroup(fixture().optedIn());
        assertThat(group.ref()).isEqualTo(fixture().optedIn());
        assertThat(group.desiredCapacity()).isGreaterThanOrEqualTo(2);
        assertThat(group.healthyInService()).hasSize(group.desiredCapacity());
        assertThat(group.instances()).extracting(Instance::id).doesNotHaveDuplicates();
        assertThat(group.tags()).containsEntry(OptIn.ENABLED_KEY, "true");
    }

    @Test
    void healthAgreesWithTheGroupsMembers() {
        VmGroup group = provider.describeGroup(fixture().optedIn());
        GroupHealth health = provider.health(fixture().optedIn());
        assertThat(health.group()).isEqualTo(fixture().optedIn());
        assertThat(health.desiredCapacity()).isEqualTo(group.desiredCapacity());
        assertThat(health.healthyInService()).isEqualTo(group.healthyInService().size());
        assertThat(health.atDesiredCapacity()).isTrue();
    }

    @Test
    void anUnknownGroupIsNotFound() {
        GroupRef missing = new GroupRef(provider.id(), fixture().optedIn().region(), "macaque-no-such-group");
        assertNotFound(() -> provider.describeGroup(missing));
        assertNotFound(() -> provider.health(missing));
    }

    @Test
    void dryRunChangesNothing() {
        GroupRef group = fixture().optedIn();
        VmGroup before = provider.describeGroup(group);
        GroupHealth healthBefore = provider.health(group);
        Instance victim = before.healthyInService().get(0);

        TerminationResult result = provider.terminate(request(group, victim.id(), true));

        assertThat(result.outcome()).isEqualTo(TerminationResult.Outcome.DRY_RUN_WOULD_TERMINATE);
        assertThat(result.instanceId()).isEqualTo(victim.id());
        assertThat(result.detail()).isNotBlank();
        VmGroup after = provider.describeGroup(group);
        assertThat(after.healthyInService()).extracting(Instance::id)
                .containsExactlyElementsOf(before.healthyInService().stream().map(Instance::id).toList());
        assertThat(provider.health(group)).isEqualTo(healthBefore);
    }

    @Test
    void terminateTakesTheMemberOutOfServiceAndTheGroupReplacesIt() throws Exception {
        GroupRef group = fixture().optedIn();
        int desired = provider.describeGroup(group).desiredCapacity();
        Instance victim = firstHealthyMember(group);

        TerminationResult result = provider.terminate(request(group, victim.id(), false));

        assertThat(result.outcome()).isEqualTo(TerminationResult.Outcome.TERMINATED);
        assertThat(provider.describeGroup(group).healthyInService()).extracting(Instance::id).doesNotContain(victim.id());

        awaitReplacement(group);
        VmGroup healed = provider.describeGroup(group);
        assertThat(healed.desiredCapacity()).as("terminate must keep the group's desired capacity").isEqualTo(desired);
        assertThat(healed.healthyInService()).hasSize(desired).extracting(Instance::id).doesNotContain(victim.id());
        assertThat(provider.health(group).atDesiredCapacity()).isTrue();
    }

    @Test
    void terminatingAnAlreadyTerminatedMemberIsNotAnError() {
        GroupRef group = fixture().optedIn();
        Instance victim = firstHealthyMember(group);
        assertThat(provider.terminate(request(group, victim.id(), false)).outcome())
                .isEqualTo(TerminationResult.Outcome.TERMINATED);

        TerminationResult again = provider.terminate(request(group, victim.id(), false));

        assertThat(again.outcome()).isEqualTo(TerminationResult.Outcome.ALREADY_TERMINATED);
    }

    @Test
    void repeatingARequestWithTheSameIdempotencyKeyKillsOnlyOnce() {
        GroupRef group = fixture().optedIn();
        Instance victim = firstHealthyMember(group);
        TerminationRequest request = request(group, victim.id(), false);
        provider.terminate(request);
        List<String> healthyAfterFirst = provider.describeGroup(group).healthyInService().stream().map(Instance::id).toList();

        TerminationResult retried = provider.terminate(request);

        assertThat(retried.outcome()).isIn(TerminationResult.Outcome.TERMINATED, TerminationResult.Outcome.ALREADY_TERMINATED);
        assertThat(provider.describeGroup(group).healthyInService()).extracting(Instance::id)
                .containsAll(healthyAfterFirst.stream().filter(id -> !id.equals(victim.id())).toList());
    }

    @Test
    void anInstanceThatIsNotAMemberIsNotFound() {
        GroupRef group = fixture().optedIn();
        assertNotFound(() -> provider.terminate(request(group, fixture().unknownInstanceId(), false)));
        assertNotFound(() -> provider.terminate(request(group, fixture().unknownInstanceId(), true)));
    }

    @Test
    void aMemberOfAnotherGroupIsNeverTerminated() {
        GroupRef other = fixture().notOptedIn();
        // Instance ids need only be unique within a group (Azure numbers each scale set's members from 0): pick one
        // the opted-in group does not also use, or the call would rightly target that group's own member.
        List<String> ownIds = provider.describeGroup(fixture().optedIn()).instances().stream().map(Instance::id).toList();
        Instance bystander = provider.describeGroup(other).healthyInService().stream()
                .filter(i -> !ownIds.contains(i.id())).findFirst()
                .orElseThrow(() -> new AssertionError("fixture: every member id of " + other + " is also used in "
                        + fixture().optedIn() + "; give the groups distinct member ids"));

        assertNotFound(() -> provider.terminate(request(fixture().optedIn(), bystander.id(), false)));

        assertThat(provider.describeGroup(other).healthyInService()).extracting(Instance::id).contains(bystander.id());
    }

    @Test
    void aDryRunOnAMemberThatIsAlreadyTerminatingSaysSoAndChangesNothing() {
        GroupRef group = fixture().optedIn();
        Instance victim = firstHealthyMember(group);
        assertThat(provider.terminate(request(group, victim.id(), false)).outcome())
                .isEqualTo(TerminationResult.Outcome.TERMINATED);
        List<String> healthyAfterKill = provider.describeGroup(group).healthyInService().stream().map(Instance::id).toList();

        TerminationResult dryRun = provider.terminate(request(group, victim.id(), true));

        assertThat(dryRun.outcome()).as("a dry run on a member that is already going: %s", dryRun.detail())
                .isEqualTo(TerminationResult.Outcome.ALREADY_TERMINATED);
        assertThat(dryRun.detail()).isNotBlank();
        assertThat(provider.describeGroup(group).healthyInService()).extracting(Instance::id)
                .containsAll(healthyAfterKill);
    }

    @Test
    void aGroupRefCarryingAnotherProviderInstancesIdIsNotFound() {
        GroupRef own = fixture().optedIn();
        GroupRef foreign = new GroupRef(provider.id() + "-other", own.region(), own.name());
        String member = firstHealthyMember(own).id();

        assertNotFound(() -> provider.describeGroup(foreign));
        assertNotFound(() -> provider.health(foreign));
        assertNotFound(() -> provider.terminate(request(foreign, member, true)));
        assertNotFound(() -> provider.terminate(request(foreign, member, false)));
        assertThat(provider.describeGroups(List.of(foreign)).notFound()).containsKey(foreign);

        assertThat(provider.describeGroup(own).healthyInService()).extracting(Instance::id).contains(member);
    }

    @Test
    void describesManyGroupsAtOnceAsDescribeGroupDoesOneByOne() {
        GroupRef missing = new GroupRef(provider.id(), fixture().optedIn().region(), "macaque-no-such-group");
        List<GroupRef> asked = List.of(fixture().notOptedIn(), missing, fixture().optedIn());

        DescribedGroups batch = provider.describeGroups(asked);

        assertThat(batch.groups()).extracting(VmGroup::ref).containsExactly(fixture().notOptedIn(), fixture().optedIn());
        assertThat(batch.notFound()).containsOnlyKeys(missing);
        assertThat(batch.unreachable()).isEmpty();
        for (VmGroup read : batch.groups()) {
            VmGroup single = provider.describeGroup(read.ref());
            assertThat(read.summary()).isEqualTo(single.summary());
            // Launch times are detail the batched read may leave out; everything selection uses must agree.
            assertThat(read.instances()).extracting(Instance::id, Instance::zone, Instance::state, Instance::healthy)
                    .containsExactlyElementsOf(single.instances().stream()
                            .map(i -> org.assertj.core.groups.Tuple.tuple(i.id(), i.zone(), i.state(), i.healthy()))
                            .toList());
        }
    }

    private static void assertNotFound(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOf(ProviderException.class)
                .satisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.NOT_FOUND));
    }

    private static List<GroupRef> refs(List<GroupSummary> groups) {
        return groups.stream().map(GroupSummary::ref).toList();
    }

    private static GroupSummary find(List<GroupSummary> groups, GroupRef ref) {
        return groups.stream().filter(g -> g.ref().equals(ref)).findFirst()
                .orElseThrow(() -> new AssertionError("group " + ref + " not listed; listed: " + refs(groups)));
    }
}
