package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.engine.ExperimentSpec.Selection;
import dev.macaque.engine.ExperimentSpec.Targets;
import dev.macaque.spi.GroupRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The optimised selection (compiled filter, indexed snapshot, primitive tables) chooses exactly the victims that the
 * straightforward algorithm chooses: over random fleets, targets, selections and seeds, {@link TargetSelector} over
 * the list, {@link TargetSelector} over an {@link IndexedFleet}, and {@link #straightforward} (the rule as written:
 * {@link Targets#matches} per group, a linear scan over the weights of the groups not yet exhausted, a full
 * Fisher–Yates array per group) return the same victims in the same order and the same eligible counts.
 */
class TargetSelectorEquivalencePropertyTest {
    private static final List<String> REGIONS = List.of("eu-west-1", "us-east-1", "us-west-2");
    private static final List<String> TEAMS = List.of("payments", "search", "web");

    record GroupSpec(String provider, String region, String enabled, String weight, String team, int healthy) {
        FleetGroup toGroup(int index) {
            Map<String, String> tags = new TreeMap<>();
            if (enabled != null) {
                tags.put("macaque-enabled", enabled);
            }
            if (weight != null) {
                tags.put("macaque-weight", weight);
            }
            if (team != null) {
                tags.put("team", team);
            }
            String name = "g" + index;
            List<String> ids = IntStream.range(0, healthy).mapToObj(i -> name + "-i" + i).toList();
            return new FleetGroup(new GroupRef(provider, region, name), tags, Math.max(healthy, 1), ids);
        }
    }

    @Provide
    Arbitrary<List<FleetGroup>> fleets() {
        Arbitrary<GroupSpec> group = Combinators.combine(
                Arbitraries.of("aws", "gcp"),
                Arbitraries.of(REGIONS),
                Arbitraries.of("true", "true", "true", "TRUE", "false").injectNull(0.1),
                Arbitraries.of("1", "2", "5", "0", "x").injectNull(0.4),
                Arbitraries.of(TEAMS).injectNull(0.3),
                Arbitraries.integers().between(0, 12)).as(GroupSpec::new);
        return group.list().ofMaxSize(120).map(specs -> {
            List<FleetGroup> fleet = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) {
                fleet.add(specs.get(i).toGroup(i));
            }
            return fleet;
        });
    }

    @Provide
    Arbitrary<Targets> targets() {
        return Combinators.combine(
                Arbitraries.of("aws", "gcp").set().ofMaxSize(2),
                Arbitraries.of(REGIONS).set().ofMaxSize(2),
                Arbitraries.integers().between(0, 119).map(i -> "g" + i).set().ofMaxSize(12),
                Arbitraries.of(TEAMS).injectNull(0.5)).as((providers, regions, groups, team) ->
                new Targets(providers, regions, groups, team == null ? Map.of() : Map.of("team", team)));
    }

    @Provide
    Arbitrary<Selection> selections() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(1, 400).map(Selection::count),
                Arbitraries.doubles().between(0.5, 100).map(Selection::percent),
                Arbitraries.doubles().between(0.01, 1.0).map(Selection::perGroup));
    }

    @Property(tries = 400)
    void indexedListAndStraightforwardSelectionsChooseTheSameVictims(@ForAll("fleets") List<FleetGroup> fleet,
                                                                      @ForAll("targets") Targets targets,
                                                                      @ForAll("selections") Selection selection,
                                                                      @ForAll long seed) {
        TargetSelector selector = new TargetSelector();
        SelectionResult expected = straightforward(fleet, targets, selection, new SplittableRandom(seed));

        SelectionResult overList = selector.select(fleet, targets, selection, new SplittableRandom(seed));
        SelectionResult overIndex = selector.select(IndexedFleet.of(fleet), targets, selection, new SplittableRandom(seed));

        assertThat(overList).isEqualTo(expected);
        assertThat(overIndex).isEqualTo(expected);
    }

    @Property(tries = 100)
    void withoutTargetsTheSelectionsAgreeToo(@ForAll("fleets") List<FleetGroup> fleet,
                                             @ForAll("selections") Selection selection, @ForAll long seed) {
        TargetSelector selector = new TargetSelector();
        SelectionResult expected = straightforward(fleet, Targets.ANY, selection, new SplittableRandom(seed));
        assertThat(selector.select(IndexedFleet.of(fleet), Targets.ANY, selection, new SplittableRandom(seed))).isEqualTo(expected);
        assertThat(selector.select(fleet, Targets.ANY, selection, new SplittableRandom(seed))).isEqualTo(expected);
    }

    /** The selection rule written as plainly as possible, drawing from the random stream in the same order. */
    static SelectionResult straightforward(List<FleetGroup> fleet, Targets targets, Selection selection,
                                           SplittableRandom random) {
        List<FleetGroup> eligible = new ArrayList<>();
        long instances = 0;
        for (FleetGroup group : fleet) {
            if (group.optedIn() && group.weight() > 0 && group.healthyCount() > 0 && targets.matches(group.ref(), group.tags())) {
                eligible.add(group);
                instances += group.healthyCount();
            }
        }
        List<Victim> victims = new ArrayList<>();
        if (selection.mode() == ExperimentSpec.SelectionMode.PER_GROUP) {
            for (FleetGroup group : eligible) {
                if (random.nextDouble() < selection.value()) {
                    victims.add(new Victim(group.ref(), group.healthyInstanceIds().get(random.nextInt(group.healthyCount()))));
                }
            }
            return new SelectionResult(victims, eligible.size(), instances);
        }
        long kills = selection.mode() == ExperimentSpec.SelectionMode.COUNT
                ? Math.min((long) selection.value(), instances)
                : TargetSelector.percentOf(instances, selection.value());
        long[] weights = new long[eligible.size()];
        long total = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = eligible.get(i).weight();
            total += weights[i];
        }
        Map<Integer, int[]> order = new HashMap<>();
        Map<Integer, Integer> picked = new HashMap<>();
        for (long kill = 0; kill < kills && total > 0; kill++) {
            long point = random.nextLong(total);
            int slot = 0;
            while (point >= weights[slot]) {
                point -= weights[slot];
                slot++;
            }
            FleetGroup group = eligible.get(slot);
            int count = group.healthyCount();
            int[] positions = order.computeIfAbsent(slot, s -> IntStream.range(0, count).toArray());
            int already = picked.getOrDefault(slot, 0);
            int chosen = already + random.nextInt(count - already);
            int value = positions[chosen];
            positions[chosen] = positions[already];
            positions[already] = value;
            picked.put(slot, already + 1);
            if (already + 1 == count) {
                total -= weights[slot];
                weights[slot] = 0;
            }
            victims.add(new Victim(group.ref(), group.healthyInstanceIds().get(value)));
        }
        return new SelectionResult(victims, eligible.size(), instances);
    }
}
