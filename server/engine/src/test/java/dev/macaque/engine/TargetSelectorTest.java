package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.engine.ExperimentSpec.Selection;
import dev.macaque.engine.ExperimentSpec.Targets;
import dev.macaque.spi.GroupRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TargetSelectorTest {
    private final TargetSelector selector = new TargetSelector();

    static FleetGroup group(String name, int instances, Map<String, String> tags) {
        return group("sim", "us-east-1", name, instances, tags);
    }

    static FleetGroup group(String provider, String region, String name, int instances, Map<String, String> tags) {
        List<String> ids = IntStream.range(0, instances).mapToObj(i -> name + "-i" + i).toList();
        return new FleetGroup(new GroupRef(provider, region, name), tags, instances, ids);
    }

    static Map<String, String> optedIn(int weight) {
        return Map.of("macaque-enabled", "true", "macaque-weight", Integer.toString(weight));
    }

    @Test
    void countKillsThatManyDistinctInstancesAndNoMoreThanExist() {
        List<FleetGroup> fleet = List.of(group("a", 3, optedIn(1)), group("b", 2, optedIn(5)));
        SelectionResult five = selector.select(fleet, Targets.ANY, Selection.count(4), new SplittableRandom(1));
        assertThat(five.victims()).hasSize(4).doesNotHaveDuplicates();
        SelectionResult all = selector.select(fleet, Targets.ANY, Selection.count(100), new SplittableRandom(1));
        assertThat(all.victims()).hasSize(5).doesNotHaveDuplicates();
        assertThat(all.eligibleGroups()).isEqualTo(2);
        assertThat(all.eligibleInstances()).isEqualTo(5);
    }

    @Test
    void percentRoundsDownButKillsAtLeastOneWhenAnyIsEligible() {
        List<FleetGroup> fleet = List.of(group("a", 6, optedIn(1)), group("b", 4, optedIn(1)));
        assertThat(selector.select(fleet, Targets.ANY, Selection.percent(30), new SplittableRandom(2)).victims()).hasSize(3);
        assertThat(selector.select(fleet, Targets.ANY, Selection.percent(39), new SplittableRandom(2)).victims()).hasSize(3);
        assertThat(selector.select(fleet, Targets.ANY, Selection.percent(1), new SplittableRandom(2)).victims()).hasSize(1);
        assertThat(selector.select(fleet, Targets.ANY, Selection.percent(100), new SplittableRandom(2)).victims()).hasSize(10);
        List<FleetGroup> nobody = List.of(group("c", 4, Map.of()));
        assertThat(selector.select(nobody, Targets.ANY, Selection.percent(50), new SplittableRandom(2)).victims()).isEmpty();
    }

    @Test
    void perGroupWithProbabilityOneTakesExactlyOneFromEachEligibleGroup() {
        List<FleetGroup> fleet = List.of(group("a", 3, optedIn(1)), group("b", 3, Map.of()), group("c", 1, optedIn(9)));
        List<Victim> victims = selector.select(fleet, Targets.ANY, Selection.perGroup(1.0), new SplittableRandom(3)).victims();
        assertThat(victims).extracting(v -> v.group().name()).containsExactly("a", "c");
    }

    @Test
    void perGroupLosesAnInstanceWithTheGivenProbability() {
        List<FleetGroup> fleet = IntStream.range(0, 10_000).mapToObj(i -> group("g" + i, 2, optedIn(1))).toList();
        int hit = selector.select(fleet, Targets.ANY, Selection.perGroup(0.25), new SplittableRandom(4)).victims().size();
        // Binomial(10000, 0.25): mean 2500, standard deviation ~43; 5 sigma either side.
        assertThat(hit).isBetween(2500 - 217, 2500 + 217);
    }

    @Test
    void onlyOptedInMatchingGroupsWithAValidWeightAndAHealthyInstanceAreEligible() {
        List<FleetGroup> fleet = List.of(
                group("off", 5, Map.of("macaque-enabled", "false")),
                group("absent", 5, Map.of("team", "payments")),
                group("bad-weight", 5, Map.of("macaque-enabled", "true", "macaque-weight", "0")),
                group("empty", 0, optedIn(1)),
                group("other-team", 5, Map.of("macaque-enabled", "true", "team", "search")),
                group("ok", 5, Map.of("macaque-enabled", "TRUE", "team", "payments")));
        Targets payments = new Targets(Set.of(), Set.of(), Set.of(), Map.of("team", "payments"));
        SelectionResult result = selector.select(fleet, payments, Selection.count(100), new SplittableRandom(5));
        assertThat(result.eligibleGroups()).isEqualTo(1);
        assertThat(result.victims()).hasSize(5).allMatch(v -> v.group().name().equals("ok"));
    }

    @Test
    void targetsFilterByProviderRegionAndGroupName() {
        List<FleetGroup> fleet = List.of(
                group("aws", "us-east-1", "api", 2, optedIn(1)),
                group("aws", "eu-west-1", "api", 2, optedIn(1)),
                group("gcp", "us-east-1", "api", 2, optedIn(1)),
                group("aws", "us-east-1", "web", 2, optedIn(1)));
        Targets targets = new Targets(Set.of("aws"), Set.of("us-east-1"), Set.of("api"), Map.of());
        assertThat(selector.select(fleet, targets, Selection.count(10), new SplittableRandom(6)).victims())
                .extracting(v -> v.group().toString()).containsOnly("aws/us-east-1/api").hasSize(2);
    }

    @Test
    void theSameSnapshotAndSeedGiveTheSameVictims() {
        List<FleetGroup> fleet = IntStream.range(0, 200).mapToObj(i -> group("g" + i, 1 + i % 7, optedIn(1 + i % 5))).toList();
        List<Victim> first = selector.select(fleet, Targets.ANY, Selection.count(50), new SplittableRandom(77)).victims();
        List<Victim> again = selector.select(fleet, Targets.ANY, Selection.count(50), new SplittableRandom(77)).victims();
        List<Victim> otherSeed = selector.select(fleet, Targets.ANY, Selection.count(50), new SplittableRandom(78)).victims();
        assertThat(again).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    /** Chi-square critical values at p = 0.001 for 4 and 9 degrees of freedom. */
    private static final double CHI2_CRITICAL_DF4 = 18.467;
    private static final double CHI2_CRITICAL_DF9 = 27.877;

    @Test
    void groupFrequenciesMatchTheWeightsByChiSquareOver200000Draws() {
        int[] weights = {1, 2, 3, 4, 5, 6, 7, 8, 9, 25};
        List<FleetGroup> fleet = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            fleet.add(group("g" + i, 3, optedIn(weights[i])));
        }
        int draws = 200_000;
        long[] observed = new long[weights.length];
        SplittableRandom random = new SplittableRandom(20260101);
        for (int d = 0; d < draws; d++) {
            Victim victim = selector.select(fleet, Targets.ANY, Selection.count(1), random).victims().get(0);
            observed[Integer.parseInt(victim.group().name().substring(1))]++;
        }
        int totalWeight = IntStream.of(weights).sum();
        double chi2 = 0;
        for (int i = 0; i < weights.length; i++) {
            double expected = (double) draws * weights[i] / totalWeight;
            chi2 += Math.pow(observed[i] - expected, 2) / expected;
        }
        assertThat(chi2).as("chi-square over %d groups, observed %s", weights.length, java.util.Arrays.toString(observed))
                .isLessThan(CHI2_CRITICAL_DF9);
    }

    @Test
    void instancesWithinAGroupAreDrawnUniformly() {
        List<FleetGroup> fleet = List.of(group("only", 5, optedIn(1)));
        long[] observed = new long[5];
        SplittableRandom random = new SplittableRandom(99);
        int draws = 100_000;
        for (int d = 0; d < draws; d++) {
            String id = selector.select(fleet, Targets.ANY, Selection.count(1), random).victims().get(0).instanceId();
            observed[Integer.parseInt(id.substring(id.lastIndexOf('i') + 1))]++;
        }
        double expected = draws / 5.0;
        double chi2 = 0;
        for (long o : observed) {
            chi2 += Math.pow(o - expected, 2) / expected;
        }
        assertThat(chi2).isLessThan(CHI2_CRITICAL_DF4);
    }

    @Test
    void drawingManyFromOneGroupIsAPermutationPrefix() {
        List<FleetGroup> fleet = List.of(group("big", 1000, optedIn(1)));
        List<Victim> victims = selector.select(fleet, Targets.ANY, Selection.count(1000), new SplittableRandom(8)).victims();
        assertThat(victims.stream().map(Victim::instanceId).collect(Collectors.toSet()))
                .isEqualTo(fleet.get(0).healthyInstanceIds().stream().collect(Collectors.toSet()));
    }

    @Test
    void groupsThatRunOutOfInstancesAreNoLongerDrawn() {
        // Heavy group with one instance, light group with many: after the heavy one is exhausted every kill is light.
        List<FleetGroup> fleet = List.of(group("heavy", 1, optedIn(1_000_000)), group("light", 50, optedIn(1)));
        List<Victim> victims = selector.select(fleet, Targets.ANY, Selection.count(20), new SplittableRandom(9)).victims();
        assertThat(victims).hasSize(20).doesNotHaveDuplicates();
        assertThat(victims.stream().filter(v -> v.group().name().equals("heavy")).count()).isEqualTo(1);
    }

    @Test
    void weightTreeFindsTheSameSlotAsALinearScanThroughRemovals() {
        SplittableRandom random = new SplittableRandom(10);
        for (int round = 0; round < 200; round++) {
            int size = 1 + random.nextInt(40);
            long[] weights = new long[size];
            for (int i = 0; i < size; i++) {
                weights[i] = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(20);
            }
            TargetSelector.WeightTree tree = TargetSelector.WeightTree.of(weights);
            long[] live = weights.clone();
            while (tree.total() > 0) {
                assertThat(tree.total()).isEqualTo(java.util.Arrays.stream(live).sum());
                for (long point = 0; point < tree.total(); point++) {
                    assertThat(tree.find(point)).isEqualTo(linearFind(live, point));
                }
                int slot = random.nextInt(size);
                tree.remove(slot);
                live[slot] = 0;
            }
        }
    }

    private static int linearFind(long[] weights, long point) {
        long cumulative = 0;
        for (int i = 0; i < weights.length; i++) {
            cumulative += weights[i];
            if (point < cumulative) {
                return i;
            }
        }
        throw new AssertionError("point beyond total");
    }

    @Test
    void selectsFromAMillionGroupsQuickly() {
        List<FleetGroup> fleet = new ArrayList<>(1_000_000);
        Map<String, String> on = optedIn(3);
        Map<String, String> off = Map.of("macaque-enabled", "false");
        List<String> ids = List.of("i-1", "i-2", "i-3");
        for (int i = 0; i < 1_000_000; i++) {
            fleet.add(new FleetGroup(new GroupRef("sim", "r", "g" + i), i % 10 == 0 ? off : on, 3, ids));
        }
        Map<GroupRef, Integer> perGroup = new HashMap<>();
        long start = System.nanoTime();
        List<Victim> victims = selector.select(fleet, Targets.ANY, Selection.count(10_000), new SplittableRandom(11)).victims();
        long millis = (System.nanoTime() - start) / 1_000_000;
        victims.forEach(v -> perGroup.merge(v.group(), 1, Integer::sum));
        assertThat(victims).hasSize(10_000).doesNotHaveDuplicates();
        assertThat(perGroup.values()).allMatch(n -> n <= 3);
        assertThat(perGroup.keySet()).noneMatch(ref -> Integer.parseInt(ref.name().substring(1)) % 10 == 0);
        // Generous bound for a shared 2-core machine; a per-draw linear scan would take minutes here.
        assertThat(millis).isLessThan(5_000);
    }
}
