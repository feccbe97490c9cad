package dev.macaque.engine;

import dev.macaque.engine.RunStep.GroupNotRecovered;
import dev.macaque.engine.RunStep.GroupRecovered;
import dev.macaque.engine.RunStep.TerminationAbandoned;
import dev.macaque.engine.RunStep.TerminationFailed;
import dev.macaque.engine.RunStep.TerminationIntent;
import dev.macaque.engine.RunStep.TerminationOutcome;
import dev.macaque.spi.GroupRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The fleet's termination record in memory, in front of another recorder: what the server's run store keeps in its
 * database, for one process (the simulator, where scheduled and one-shot runs overlap, and tests). Every intent is
 * decided against every run's kills in flight and the fleet budgets under one lock, atomically with recording it; a
 * zone outage's batch of intents ({@link #recordIntents}) all together or none.
 *
 * <p>A real kill is in flight from its intent until it settles: the termination failed, was abandoned or did not
 * kill; the run verified the group's recovery or found it not recovered; or the run ended. The run store settles
 * by the same rules.
 */
public final class FleetLedger implements RunRecorder {
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration DAY = Duration.ofDays(1);

    private final RunRecorder delegate;
    private final FleetBudgets budgets;
    private final Map<GroupRef, Map<String, String>> inFlight = new HashMap<>();
    private final Deque<Instant> realIntents = new ArrayDeque<>();

    public FleetLedger(RunRecorder delegate, FleetBudgets budgets) {
        this.delegate = Objects.requireNonNull(delegate, "delegate is null");
        this.budgets = Objects.requireNonNull(budgets, "budgets is null");
    }

    @Override
    public synchronized void recordIntent(RunEvent intent, IntentGuard guard) {
        recordIntents(List.of(new GuardedIntent(intent, guard)));
    }

    /**
     * Decides every intent of the batch under the ledger's lock, each against the record with the batch's earlier
     * intents in it (in flight, counted), and keeps them all only when every one is allowed.
     */
    @Override
    public synchronized void recordIntents(List<GuardedIntent> intents) {
        if (intents.isEmpty()) {
            return;
        }
        Instant now = intents.get(0).intent().time();
        while (!realIntents.isEmpty() && !realIntents.peekFirst().isAfter(now.minus(DAY))) {
            realIntents.removeFirst();
        }
        int lastHour = 0;
        for (Iterator<Instant> it = realIntents.descendingIterator(); it.hasNext(); ) {
            if (!it.next().isAfter(now.minus(HOUR))) {
                break;
            }
            lastHour++;
        }
        // the batch's earlier real intents, as the record would hold them once kept
        Map<GroupRef, Map<String, String>> batch = new HashMap<>();
        int batchReal = 0;
        for (GuardedIntent guarded : intents) {
            RunEvent intent = guarded.intent();
            TerminationIntent step = (TerminationIntent) intent.step();
            Map<String, String> group = new HashMap<>(inFlight.getOrDefault(step.group(), Map.of()));
            group.putAll(batch.getOrDefault(step.group(), Map.of()));
            Set<GroupRef> degraded = new HashSet<>(inFlight.keySet());
            degraded.addAll(batch.keySet());
            FleetView view = new FleetView(group, lastHour + batchReal, realIntents.size() + batchReal, degraded,
                    budgets, false, null);
            if (guarded.guard().decide(view) instanceof GuardrailDecision.Refused refused) {
                throw new TerminationClaimRefused(refused.reason(), refused.message());
            }
            if (!step.dryRun()) {
                batch.computeIfAbsent(step.group(), g -> new HashMap<>()).put(step.instance(), intent.runId());
                batchReal++;
            }
        }
        delegate.recordIntents(intents.stream()
                .map(i -> new GuardedIntent(i.intent(), fleet -> GuardrailDecision.ALLOWED)).toList());
        for (GuardedIntent guarded : intents) {
            TerminationIntent step = (TerminationIntent) guarded.intent().step();
            if (!step.dryRun()) {
                inFlight.computeIfAbsent(step.group(), g -> new HashMap<>()).put(step.instance(), guarded.intent().runId());
                realIntents.addLast(guarded.intent().time());
            }
        }
    }

    @Override
    public synchronized void record(RunEvent event) {
        delegate.record(event);
        RunStep step = event.step();
        if (step instanceof TerminationOutcome outcome && !outcome.outcome().killed()) {
            settle(event.runId(), outcome.group(), outcome.instance());
        } else if (step instanceof TerminationFailed failed) {
            settle(event.runId(), failed.group(), failed.instance());
        } else if (step instanceof TerminationAbandoned abandoned) {
            settle(event.runId(), abandoned.group(), abandoned.instance());
        } else if (step instanceof GroupRecovered recovered) {
            settleGroup(event.runId(), recovered.group());
        } else if (step instanceof GroupNotRecovered notRecovered) {
            settleGroup(event.runId(), notRecovered.group());
        } else if (step.type() == RunEventType.RUN_COMPLETED || step.type() == RunEventType.RUN_FAILED
                || step.type() == RunEventType.RUN_ABORTED || step.type() == RunEventType.RUN_HALTED
                || step.type() == RunEventType.RUN_NOT_STEADY) {
            // Every way a run ends settles its kills, as the run store does for every terminal state.
            for (GroupRef group : Set.copyOf(inFlight.keySet())) {
                settleGroup(event.runId(), group);
            }
        }
    }

    @Override
    public synchronized Set<GroupRef> busyGroups(String runId) {
        Set<GroupRef> busy = new HashSet<>();
        inFlight.forEach((group, kills) -> {
            if (kills.values().stream().anyMatch(run -> !run.equals(runId))) {
                busy.add(group);
            }
        });
        return busy;
    }

    @Override
    public boolean canRecord() {
        return delegate.canRecord();
    }

    private Set<GroupRef> degraded() {
        return Set.copyOf(inFlight.keySet());
    }

    private void settle(String runId, GroupRef group, String instanceId) {
        Map<String, String> kills = inFlight.get(group);
        if (kills != null && runId.equals(kills.get(instanceId))) {
            kills.remove(instanceId);
            if (kills.isEmpty()) {
                inFlight.remove(group);
            }
        }
    }

    private void settleGroup(String runId, GroupRef group) {
        Map<String, String> kills = inFlight.get(group);
        if (kills != null) {
            kills.values().removeIf(runId::equals);
            if (kills.isEmpty()) {
                inFlight.remove(group);
            }
        }
    }
}
