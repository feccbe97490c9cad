package dev.macaque.benchmarks.selection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.engine.FleetGroup;
import dev.macaque.engine.Victim;
import dev.macaque.spi.GroupRef;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TargetSelectionBenchmarkTest {
    private final TargetSelectionBenchmark benchmark = new TargetSelectionBenchmark();

    private static TargetSelectionBenchmark.Snapshot snapshot(int groups) {
        TargetSelectionBenchmark.Snapshot snapshot = new TargetSelectionBenchmark.Snapshot();
        snapshot.groups = groups;
        snapshot.instancesPerGroup = 10;
        snapshot.build();
        return snapshot;
    }

    private static TargetSelectionBenchmark.Draws draws(int k) {
        TargetSelectionBenchmark.Draws draws = new TargetSelectionBenchmark.Draws();
        draws.k = k;
        draws.build();
        return draws;
    }

    private static TargetSelectionBenchmark.Filter filter(String targets) {
        TargetSelectionBenchmark.Filter filter = new TargetSelectionBenchmark.Filter();
        filter.targets = targets;
        filter.build();
        return filter;
    }

    private static Map<GroupRef, FleetGroup> byRef(List<FleetGroup> fleet) {
        return fleet.stream().collect(Collectors.toMap(FleetGroup::ref, Function.identity()));
    }

    @Test
    void selectReturnsKDistinctVictimsFromEligibleGroupsOnly() {
        TargetSelectionBenchmark.Snapshot snapshot = snapshot(1_000);
        List<Victim> victims = benchmark.select(snapshot, draws(100), filter("regionAndTag"));

        assertThat(victims).hasSize(100).doesNotHaveDuplicates();
        Map<GroupRef, FleetGroup> groups = byRef(snapshot.fleet);
        assertThat(victims).allSatisfy(victim -> {
            FleetGroup group = groups.get(victim.group());
            assertThat(group.optedIn()).isTrue();
            assertThat(FleetSnapshots.TARGETS.matches(group.ref(), group.tags())).isTrue();
            assertThat(group.healthyInstanceIds()).contains(victim.instanceId());
        });
    }

    @Test
    void selectKeepsHalfOfEveryGroupWhenKExceedsWhatTheGuardrailsAllow() {
        TargetSelectionBenchmark.Snapshot snapshot = snapshot(1_000);
        List<Victim> victims = benchmark.select(snapshot, draws(10_000), filter("regionAndTag"));

        Map<GroupRef, Long> perGroup = victims.stream().collect(Collectors.groupingBy(Victim::group, Collectors.counting()));
        assertThat(perGroup.values()).allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(5));
        assertThat(victims).hasSize(perGroup.size() * 5).doesNotHaveDuplicates();
    }

    @Test
    void selectWithoutAFilterAlsoTakesOptedInGroupsOutsideTheTargets() {
        TargetSelectionBenchmark.Snapshot snapshot = snapshot(1_000);
        List<Victim> victims = benchmark.select(snapshot, draws(500), filter("none"));

        Map<GroupRef, FleetGroup> groups = byRef(snapshot.fleet);
        // A few draws may be refused: a group drawn a sixth time would keep fewer than half its instances.
        assertThat(victims).hasSizeBetween(450, 500).allSatisfy(victim -> assertThat(groups.get(victim.group()).optedIn()).isTrue());
        assertThat(victims).anySatisfy(victim -> assertThat(
                FleetSnapshots.TARGETS.matches(victim.group(), groups.get(victim.group()).tags())).isFalse());
    }

    @Test
    void selectIsDeterministic() {
        TargetSelectionBenchmark.Snapshot snapshot = snapshot(1_000);
        assertThat(benchmark.select(snapshot, draws(100), filter("regionAndTag"))).isEqualTo(benchmark.select(snapshot, draws(100), filter("regionAndTag")));
    }

    @Test
    void selectOverTheIndexAndOverTheListChooseTheSameVictims() {
        TargetSelectionBenchmark.Snapshot snapshot = snapshot(1_000);
        for (String targets : List.of("regionAndTag", "none")) {
            for (int k : new int[] {1, 100, 10_000}) {
                assertThat(benchmark.select(snapshot, draws(k), filter(targets)))
                        .as("targets=%s, k=%d", targets, k)
                        .isEqualTo(benchmark.selectList(snapshot, draws(k), filter(targets)));
            }
        }
    }

    @Test
    void indexBuildIndexesEveryGroupIntoTheSnapshotsFewProfiles() {
        TargetSelectionBenchmark.Snapshot snapshot = snapshot(1_000);
        var index = benchmark.indexBuild(snapshot);
        assertThat(index.groups()).isEqualTo(snapshot.fleet);
        // four regions x twenty tag variants at most
        assertThat(index.profileCount()).isBetween(4, 80);
    }

    @Test
    void floorSumsTheWeightsOfOptedInGroups() {
        TargetSelectionBenchmark.Snapshot snapshot = snapshot(1_000);
        long expected = snapshot.fleet.stream().filter(FleetGroup::optedIn).mapToLong(FleetGroup::weight).sum();
        assertThat(benchmark.floor(snapshot)).isEqualTo(expected).isGreaterThan(1_000);
    }

    @Test
    void naiveDrawsKVictimsFromEligibleGroupsOnly() {
        TargetSelectionBenchmark.Snapshot snapshot = snapshot(1_000);
        List<Victim> victims = benchmark.naive(snapshot, draws(100));

        assertThat(victims).hasSize(100);
        Map<GroupRef, FleetGroup> groups = byRef(snapshot.fleet);
        assertThat(victims).allSatisfy(victim -> {
            FleetGroup group = groups.get(victim.group());
            assertThat(group.optedIn()).isTrue();
            assertThat(FleetSnapshots.TARGETS.matches(group.ref(), group.tags())).isTrue();
        });
    }

    @Test
    void snapshotHasTheDocumentedMix() {
        List<FleetGroup> fleet = FleetSnapshots.snapshot(TargetSelectionBenchmark.SEED, 10_000, 10);
        long optedIn = fleet.stream().filter(FleetGroup::optedIn).count();
        long matching = fleet.stream().filter(g -> FleetSnapshots.TARGETS.matches(g.ref(), g.tags())).count();
        assertThat(optedIn).isBetween(8_800L, 9_200L);
        assertThat(matching).isBetween(6_500L, 7_000L);
        assertThat(fleet).allSatisfy(g -> assertThat(g.healthyCount()).isEqualTo(10));
    }
}
