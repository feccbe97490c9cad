package dev.macaque.engine;

import dev.macaque.spi.GroupRef;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where a run's events go as they happen. {@link #record} returns only once the event is kept (the server's store
 * writes it durably): the engine relies on that to have a termination's intent on record before it calls the
 * provider. Called from the run's tasks, one event at a time per run; implementations are thread-safe across runs.
 */
@FunctionalInterface
public interface RunRecorder {
    void record(RunEvent event);

    /**
     * Whether events can be kept now. While they cannot (the server's database cannot write), a run holds its next
     * termination instead of failing on its intent, and goes on once they can.
     */
    default boolean canRecord() {
        return true;
    }

    /**
     * Records a termination intent only if {@code guard} allows it against the fleet's record, deciding and
     * recording in one atomic step: a recorder shared by several runs (the store, {@link FleetLedger}) reads every
     * run's kills in flight, the fleet budgets and counts, calls {@code guard}, and keeps the intent only when
     * allowed.
     *
     * <p>This default is for a recorder that serves one run alone: nothing is in flight elsewhere.
     *
     * @throws TerminationClaimRefused with the refusal's reason and numbers; nothing was recorded
     */
    default void recordIntent(RunEvent intent, IntentGuard guard) {
        if (guard.decide(FleetView.ALONE) instanceof GuardrailDecision.Refused refused) {
            throw new TerminationClaimRefused(refused.reason(), refused.message());
        }
        record(intent);
    }

    /** One intent of a batch {@link #recordIntents records} at once, with the guard that decides it. */
    record GuardedIntent(RunEvent intent, IntentGuard guard) {
        public GuardedIntent {
            Objects.requireNonNull(intent, "intent");
            Objects.requireNonNull(guard, "guard");
        }
    }

    /**
     * Records several termination intents in ONE atomic step, all or none: each intent's guard decides it, in order,
     * against the fleet's record as it would be with the batch's earlier intents kept (their kills in flight, counted
     * in the budgets); one refusal and nothing of the batch is recorded. A zone outage records all its intents this
     * way before its first provider call, so once admitted its budget is held: no other run can take it in between.
     *
     * <p>This default is for a recorder that serves one run alone: every guard decides against {@link FleetView#ALONE},
     * then every intent is kept. A recorder shared by several runs must override it with one atomic step.
     *
     * @throws TerminationClaimRefused with the first refusal's reason and numbers; nothing was recorded
     */
    default void recordIntents(List<GuardedIntent> intents) {
        for (GuardedIntent intent : intents) {
            if (intent.guard().decide(FleetView.ALONE) instanceof GuardrailDecision.Refused refused) {
                throw new TerminationClaimRefused(refused.reason(), refused.message());
            }
        }
        intents.forEach(intent -> record(intent.intent()));
    }

    /**
     * Groups another run than {@code runId} is acting on or that are still recovering from one: not candidates of an
     * exclusive run. The answer is advisory (selection avoids them); {@link #recordIntent} decides.
     */
    default Set<GroupRef> busyGroups(String runId) {
        return Set.of();
    }
}
