package dev.macaque.provider.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.Instance;
import dev.macaque.spi.LifecycleState;
import dev.macaque.spi.OptIn;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult.Outcome;
import dev.macaque.spi.VmGroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** End to end against moto: a kill, the group's replacement, and the ways of reaching AWS that configuration offers. */
class AwsProviderMotoRecoveryTest {

    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private final MotoWorld world = new MotoWorld(MOTO);

    @BeforeEach
    void createGroups() {
        world.freshFixture();
    }

    @Test
    void afterAKillTheGroupGetsAReplacementAndHealthReturnsToDesired() throws Exception {
        try (CloudProvider provider = world.factory().create(new TestContext(MotoWorld.PROVIDER_ID, world.config(Map.of())))) {
            VmGroup before = provider.describeGroup(world.api());
            assertThat(before.healthyInService()).hasSize(3);
            assertThat(before.instances()).allSatisfy(i -> {
                assertThat(i.zone()).isEqualTo("eu-west-1a");
                assertThat(i.launchTime()).isNotNull();
            });
            Instance victim = before.healthyInService().get(1);

            var result = provider.terminate(new TerminationRequest(world.api(), victim.id(), false, "recovery test", "run-1/kill-1"));

            assertThat(result.outcome()).isEqualTo(Outcome.TERMINATED);
            GroupHealth healed = awaitHealthy(provider, Duration.ofSeconds(20));
            assertThat(healed).isEqualTo(new GroupHealth(world.api(), 3, 3, 0));
            List<String> after = provider.describeGroup(world.api()).healthyInService().stream().map(Instance::id).toList();
            assertThat(after).hasSize(3).doesNotContain(victim.id());
            assertThat(after).as("a new instance replaced the victim")
                    .containsAll(before.healthyInService().stream().map(Instance::id).filter(id -> !id.equals(victim.id())).toList());
            assertThat(after.stream().filter(id -> before.instances().stream().noneMatch(i -> i.id().equals(id)))).hasSize(1);
            // Another engine run (a new idempotency key) finds it gone rather than failing.
            assertThat(provider.terminate(new TerminationRequest(world.api(), victim.id(), false, "again", "run-2/kill-1"))
                    .outcome()).isEqualTo(Outcome.ALREADY_TERMINATED);
        }
    }

    @Test
    void withoutEvidenceOfPastMembershipATerminatedInstanceIsNotFoundRatherThanClaimedGone() {
        try (CloudProvider first = world.factory().create(new TestContext(MotoWorld.PROVIDER_ID, world.config(Map.of())));
             CloudProvider second = world.factory().create(new TestContext(MotoWorld.PROVIDER_ID, world.config(Map.of())))) {
            String victim = first.describeGroup(world.api()).healthyInService().get(0).id();
            first.terminate(new TerminationRequest(world.api(), victim, false, "t", "k-1"));

            // moto drops the aws:autoscaling:groupName tag of a terminated instance (AWS keeps it), so a provider that
            // did not do the kill has no evidence of past membership and must not claim it.
            Throwable outcome = catchThrowable(() ->
                    second.terminate(new TerminationRequest(world.api(), victim, false, "t", "k-2")));
            assertThat(outcome).isInstanceOfSatisfying(ProviderException.class,
                    e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.NOT_FOUND));
            // The provider that did the kill remembers it.
            assertThat(first.terminate(new TerminationRequest(world.api(), victim, false, "t", "k-3")).outcome())
                    .isEqualTo(Outcome.ALREADY_TERMINATED);
        }
    }

    @Test
    void dryRunAgainstTheEmulatorProvesMembershipAndPermissionWithoutKilling() {
        try (CloudProvider provider = world.factory().create(new TestContext(MotoWorld.PROVIDER_ID, world.config(Map.of())))) {
            List<String> before = provider.describeGroup(world.api()).instances().stream().map(Instance::id).toList();

            var result = provider.terminate(new TerminationRequest(world.api(), before.get(0), true, "dry", "dry-1"));

            assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN_WOULD_TERMINATE);
            assertThat(provider.describeGroup(world.api()).instances()).extracting(Instance::id).containsExactlyElementsOf(before);
            assertThat(provider.describeGroup(world.api()).instances()).extracting(Instance::state)
                    .containsOnly(LifecycleState.IN_SERVICE);
        }
    }

    @Test
    void worksThroughAnAssumedRole() {
        Map<String, String> config = world.config(Map.of("roleArn", "arn:aws:iam::123456789012:role/macaque",
                "externalId", "game-day-42", "sessionName", "recovery-test"));
        try (CloudProvider provider = world.factory().create(new TestContext(MotoWorld.PROVIDER_ID, config))) {
            assertThat(provider.listGroups(GroupFilter.tag(OptIn.ENABLED_KEY, "true")))
                    .allSatisfy(g -> assertThat(g.optedIn()).isTrue())
                    .extracting(g -> g.ref()).contains(world.api()).doesNotContain(world.fixture().notOptedIn());
        }
    }

    private GroupHealth awaitHealthy(CloudProvider provider, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        GroupHealth health = provider.health(world.api());
        while (!health.atDesiredCapacity() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            health = provider.health(world.api());
        }
        return health;
    }
}
