package dev.macaque.benchmarks.selection;

import dev.macaque.engine.ExperimentSpec.Guardrails;
import dev.macaque.engine.ExperimentSpec.Selection;
import dev.macaque.engine.ExperimentSpec.Targets;
import dev.macaque.engine.FleetGroup;
import dev.macaque.engine.GuardrailCheck;
import dev.macaque.engine.GuardrailDecision;
import dev.macaque.engine.IndexedFleet;
import dev.macaque.engine.KillCandidate;
import dev.macaque.engine.SelectionResult;
import dev.macaque.engine.TargetSelector;
import dev.macaque.engine.Victim;
import dev.macaque.spi.GroupRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The engine's path from a fleet snapshot to the victims it would kill: {@link TargetSelector} (filter, weights,
 * {@code k} weighted draws without replacement), then {@link GuardrailCheck} on every victim in draw order with the
 * healthy count lowered by each kill allowed before it, as {@code ExperimentRun} does.
 *
 * <p>The snapshot's index by group ref is built once with the snapshot: {@code ExperimentRun} builds the same index
 * (and a healthy-count map) over every candidate per run, which this does not measure; see RESULTS.md.
 */
public final class GuardedSelection {
    private final TargetSelector selector = new TargetSelector();
    private final GuardrailCheck guardrails;
    private final Map<GroupRef, FleetGroup> byRef;

    public GuardedSelection(GuardrailCheck guardrails, List<FleetGroup> snapshot) {
        this.guardrails = Objects.requireNonNull(guardrails, "guardrails is null");
        this.byRef = new HashMap<>(snapshot.size() * 2);
        for (FleetGroup group : snapshot) {
            byRef.put(group.ref(), group);
        }
    }

    /** The victims the guardrails allow, in kill order, selecting over the plain list. */
    public List<Victim> victims(List<FleetGroup> snapshot, Targets targets, Selection selection, Guardrails limits,
                                SplittableRandom random, Instant now) {
        return guarded(selector.select(snapshot, targets, selection, random), limits, now);
    }

    /** The same, selecting over the snapshot's index (built once with the snapshot, as discovery would). */
    public List<Victim> victims(IndexedFleet snapshot, Targets targets, Selection selection, Guardrails limits,
                                SplittableRandom random, Instant now) {
        return guarded(selector.select(snapshot, targets, selection, random), limits, now);
    }

    private List<Victim> guarded(SelectionResult drawn, Guardrails limits, Instant now) {
        List<Victim> allowed = new ArrayList<>(drawn.victims().size());
        Map<GroupRef, Integer> healthyNow = new HashMap<>(drawn.victims().size() * 2);
        for (Victim victim : drawn.victims()) {
            FleetGroup group = byRef.get(victim.group());
            int healthy = healthyNow.getOrDefault(victim.group(), group.healthyCount());
            KillCandidate candidate = new KillCandidate(group.ref(), group.tags(), group.desiredCapacity(), healthy);
            if (guardrails.check(candidate, limits, allowed.size(), now) == GuardrailDecision.ALLOWED) {
                allowed.add(victim);
                healthyNow.put(victim.group(), healthy - 1);
            }
        }
        return allowed;
    }
}
