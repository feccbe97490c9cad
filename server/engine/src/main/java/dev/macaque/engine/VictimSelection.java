package dev.macaque.engine;

import dev.macaque.engine.RunStep.GroupSkipped;
import dev.macaque.engine.RunStep.GroupsDiscovered;
import dev.macaque.engine.RunStep.VictimsSelected;
import dev.macaque.spi.GroupRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A run's selection: the discovered groups in a fixed order, those busy with another run left out (exclusive runs),
 * and the victims in kill order drawn from the run's seeded {@code selection} stream.
 */
final class VictimSelection {
    private final String runId;
    private final ExperimentSpec spec;
    private final RunRecorder recorder;
    private final TargetSelector selector;
    private final SplittableRandom selectionRandom;
    private final RunJournal journal;
    /** The plan of a zone outage ({@code selection.mode: zone}); null for the other modes. */
    private ZoneOutage zoneOutage;

    VictimSelection(String runId, ExperimentSpec spec, RunRecorder recorder, TargetSelector selector,
                    SplittableRandom selectionRandom, RunJournal journal) {
        this.runId = runId;
        this.spec = spec;
        this.recorder = recorder;
        this.selector = selector;
        this.selectionRandom = selectionRandom;
        this.journal = journal;
    }

    /** Called under the lock: the groups the run may act on, sorted by provider, region and name. */
    List<FleetGroup> candidates(List<FleetGroup> found) {
        List<FleetGroup> sorted = found.stream()
                .sorted(Comparator.comparing((FleetGroup g) -> g.ref().provider())
                        .thenComparing(g -> g.ref().region()).thenComparing(g -> g.ref().name()))
                .toList();
        List<FleetGroup> snapshot = sorted;
        if (spec.concurrency() == ExperimentSpec.Concurrency.EXCLUSIVE && !sorted.isEmpty()) {
            // A group another run is acting on, or that is still recovering from one, is not a candidate; the
            // intent's atomic check refuses GROUP_BUSY if one becomes busy after this.
            java.util.Set<GroupRef> busy = recorder.busyGroups(runId);
            if (!busy.isEmpty()) {
                snapshot = new ArrayList<>();
                for (FleetGroup group : sorted) {
                    if (busy.contains(group.ref())) {
                        journal.record(new GroupSkipped(group.ref(), "GROUP_BUSY: another run is acting on this group or it is "
                                + "still recovering from one (set \"concurrency\": \"shared\" to act on it anyway)"));
                    } else {
                        snapshot.add(group);
                    }
                }
            }
        }
        return snapshot;
    }

    /**
     * Called under the lock: the victims in kill order, handed to {@code chosen} (before they are recorded, so that a
     * run failed by its recorder still reports them) and recorded with what discovery found.
     */
    void select(List<FleetGroup> snapshot, int[] counts, List<String> unreachable, Consumer<List<Victim>> chosen) {
        SelectionResult selection;
        if (spec.selection().mode() == ExperimentSpec.SelectionMode.ZONE) {
            zoneOutage = ZoneOutage.plan(snapshot, spec.targets(), spec.selection(), spec.guardrails(), selectionRandom);
            List<FleetGroup> eligible = snapshot.stream().filter(g -> Eligibility.optedInWithValidWeight(g)
                    && g.healthyCount() > 0 && spec.targets().matches(g.ref(), g.tags())).toList();
            selection = new SelectionResult(zoneOutage.victims(), eligible.size(),
                    eligible.stream().mapToLong(FleetGroup::healthyCount).sum());
        } else {
            selection = selector.select(snapshot, spec.targets(), spec.selection(), selectionRandom);
        }
        // Unreachable parts of the fleet are a finding: the run saw less than was asked for.
        journal.record(new GroupsDiscovered(counts[0], counts[1], snapshot.size(), selection.eligibleGroups(),
                selection.eligibleInstances(), unreachable));
        if (zoneOutage != null) {
            journal.record(new RunStep.ZoneSelected(zoneOutage.zone(), zoneOutage.drawn(), zoneOutage.groups().size(),
                    selection.victims().size(), zoneOutage.groups().stream().filter(ZoneOutage.GroupOutage::refused)
                    .map(ZoneOutage.GroupOutage::group).toList()));
        }
        List<Victim> victims = selection.victims();
        chosen.accept(victims);
        journal.record(new VictimsSelected(victims));
    }

    /** Called under the lock, after {@link #select}: the zone outage's plan, or null for the other modes. */
    ZoneOutage zoneOutage() {
        return zoneOutage;
    }
}
