package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.engine.ExperimentSpec.Selection;
import dev.macaque.engine.ExperimentSpec.Targets;
import dev.macaque.spi.GroupRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Selection on listed data, then a read of the groups drawn only (what a run does where members cost a call per
 * group), against selection on a full read of every group: over random fleets at rest (each group's healthy members
 * as many as its desired capacity), targets, selections and seeds, the same seed gives the same victims in the same
 * order, and no group is read that got no victim. On any fleet, every victim is a healthy member of a group read.
 */
class ListedSelectionPropertyTest {
    private final TargetSelectorEquivalencePropertyTest shapes = new TargetSelectorEquivalencePropertyTest();

    @Provide
    Arbitrary<List<FleetGroup>> fleets() {
        return shapes.fleets();
    }

    @Provide
    Arbitrary<Targets> targets() {
        return shapes.targets();
    }

    @Provide
    Arbitrary<Selection> selections() {
        return shapes.selections();
    }

    /** The fleet at rest: each group with as many healthy members as it desires (none when it desires none). */
    private static List<FleetGroup> atRest(List<FleetGroup> fleet) {
        return fleet.stream().map(g -> new FleetGroup(g.ref(), g.tags(), g.healthyCount(), g.healthyInstanceIds())).toList();
    }

    /** The loop of VictimSelection: draw on listed counts, read the groups drawn, draw again, until all drawn were read. */
    private static SelectionResult listedThenRead(List<FleetGroup> truth, Targets targets, Selection selection, long seed,
                                                  Set<GroupRef> read) {
        Map<GroupRef, FleetGroup> byRef = new HashMap<>();
        truth.forEach(g -> byRef.put(g.ref(), g));
        List<FleetGroup> current = truth.stream()
                .map(g -> FleetGroup.listed(g.ref(), g.tags(), g.desiredCapacity(), g.desiredCapacity())).toList();
        TargetSelector selector = new TargetSelector();
        while (true) {
            TargetSelector.Picks picks = selector.pick(current, targets, selection, new SplittableRandom(seed));
            List<FleetGroup> unread = picks.unread();
            if (unread.isEmpty()) {
                return picks.victims();
            }
            unread.forEach(g -> read.add(g.ref()));
            List<FleetGroup> next = new ArrayList<>();
            for (FleetGroup group : current) {
                next.add(read.contains(group.ref()) ? byRef.get(group.ref()) : group);
            }
            current = next;
        }
    }

    @Property(tries = 300)
    void onAFleetAtRestTheSameSeedGivesTheVictimsOfAFullReadReadingOnlyTheirGroups(
            @ForAll("fleets") List<FleetGroup> fleet, @ForAll("targets") Targets targets,
            @ForAll("selections") Selection selection, @ForAll long seed) {
        List<FleetGroup> truth = atRest(fleet);
        SelectionResult full = new TargetSelector().select(truth, targets, selection, new SplittableRandom(seed));
        Set<GroupRef> read = new LinkedHashSet<>();

        SelectionResult listed = listedThenRead(truth, targets, selection, seed, read);

        assertThat(listed).isEqualTo(full);
        assertThat(read).containsExactlyInAnyOrderElementsOf(full.victims().stream().map(Victim::group).distinct().toList());
    }

    @Property(tries = 200)
    void onAnyFleetEveryVictimIsAHealthyMemberOfAGroupThatWasRead(
            @ForAll("fleets") List<FleetGroup> fleet, @ForAll("targets") Targets targets,
            @ForAll("selections") Selection selection, @ForAll long seed) {
        Set<GroupRef> read = new LinkedHashSet<>();
        Map<GroupRef, FleetGroup> byRef = new HashMap<>();
        fleet.forEach(g -> byRef.put(g.ref(), g));

        SelectionResult listed = listedThenRead(fleet, targets, selection, seed, read);

        assertThat(listed.victims()).allSatisfy(v -> {
            assertThat(read).contains(v.group());
            assertThat(byRef.get(v.group()).healthyInstanceIds()).contains(v.instanceId());
        });
        assertThat(listed.victims()).doesNotHaveDuplicates();
    }
}
