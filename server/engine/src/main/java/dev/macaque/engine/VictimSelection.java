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
    private final java.util.function.Supplier<SplittableRandom> selectionRandom;
    private final RunJournal journal;
    /** The plan of a zone outage ({@code selection.mode: zone}); null for the other modes. */
    private ZoneOutage zoneOutage;

    /**
     * Reads the members of groups drawn from the listing alone, outside the lock, then hands them over under it:
     * each group read (with its healthy members), or absent when it no longer exists.
     */
    @FunctionalInterface
    interface MemberReader {
        void read(List<FleetGroup> unread, Consumer<java.util.Map<GroupRef, FleetGroup>> done);
    }

    /** @param selectionRandom a new {@code selection} stream of the run's seed each time it is asked for */
    VictimSelection(String runId, ExperimentSpec spec, RunRecorder recorder, TargetSelector selector,
                    java.util.function.Supplier<SplittableRandom> selectionRandom, RunJournal journal) {
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
     * Called under the lock: the victims in kill order, handed to {@code chosen} with the snapshot they were drawn
     * from (before they are recorded, so that a run failed by its recorder still reports them) and recorded with
     * what discovery found; then {@code next} runs.
     *
     * <p>Groups only listed ({@link FleetGroup#listed}) are drawn on their assumed healthy counts; when a draw falls on
     * one, the groups drawn are read ({@code reader}, one call per provider) and the draw is made again from the
     * start of the seed's stream with what was read, until every group drawn was read. Groups not drawn are never
     * read; on a fleet whose listed counts are right (at rest) the victims are those a full read would give.
     */
    void select(List<FleetGroup> snapshot, int[] counts, List<String> unreachable, MemberReader reader,
                java.util.function.BiConsumer<List<FleetGroup>, List<Victim>> chosen, Runnable next) {
        SelectionResult selection;
        if (spec.selection().mode() == ExperimentSpec.SelectionMode.ZONE) {
            List<FleetGroup> eligible = snapshot.stream().filter(g -> Eligibility.optedInWithValidWeight(g)
                    && g.healthyCount() > 0 && spec.targets().matches(g.ref(), g.tags())).toList();
            // An outage takes every member in its zone: each eligible group's members, with their zones, must be read.
            List<FleetGroup> unread = eligible.stream().filter(g -> !g.membersRead()).toList();
            if (!unread.isEmpty()) {
                readThenSelectAgain(snapshot, unread, counts, unreachable, reader, chosen, next);
                return;
            }
            zoneOutage = ZoneOutage.plan(snapshot, spec.targets(), spec.selection(), spec.guardrails(), selectionRandom.get());
            selection = new SelectionResult(zoneOutage.victims(), eligible.size(),
                    eligible.stream().mapToLong(FleetGroup::healthyCount).sum());
        } else {
            TargetSelector.Picks picks = selector.pick(snapshot, spec.targets(), spec.selection(), selectionRandom.get());
            if (!picks.unread().isEmpty()) {
                readThenSelectAgain(snapshot, picks.unread(), counts, unreachable, reader, chosen, next);
                return;
            }
            selection = picks.victims();
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
        chosen.accept(snapshot, victims);
        journal.record(new VictimsSelected(victims));
        next.run();
    }

    /** Reads the groups drawn (or, for a zone outage, every eligible group) that were only listed, then selects again. */
    private void readThenSelectAgain(List<FleetGroup> snapshot, List<FleetGroup> unread, int[] counts, List<String> unreachable,
                                     MemberReader reader, java.util.function.BiConsumer<List<FleetGroup>, List<Victim>> chosen,
                                     Runnable next) {
        java.util.Set<GroupRef> asked = new java.util.HashSet<>();
        unread.forEach(group -> asked.add(group.ref()));
        reader.read(unread, read -> {
            List<FleetGroup> withMembers = new ArrayList<>(snapshot.size());
            for (FleetGroup group : snapshot) {
                if (asked.contains(group.ref()) && !read.containsKey(group.ref())) {
                    continue; // gone since the listing
                }
                withMembers.add(read.getOrDefault(group.ref(), group));
            }
            select(withMembers, counts, unreachable, reader, chosen, next);
        });
    }

    /** Called under the lock, after {@link #select}: the zone outage's plan, or null for the other modes. */
    ZoneOutage zoneOutage() {
        return zoneOutage;
    }
}
