package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.spi.GroupRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The simulator's fleet record settles a run's kills whichever way the run ends, as the run store does. */
class FleetLedgerTest {
    private static final GroupRef GROUP = new GroupRef("sim", "region-1", "api");
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    static List<RunStep> endings() {
        return List.of(new RunStep.RunCompleted(1, 0, java.util.Map.of(), java.util.Map.of()), new RunStep.RunFailed("provider gone"), new RunStep.RunAborted("asked"),
                new RunStep.RunHalted("checkout-ok", "74%", "below 99%", 2, 1),
                new RunStep.RunNotSteady("checkout-ok", "74%", "below 99%"));
    }

    @ParameterizedTest
    @MethodSource("endings")
    void aRunsKillsInFlightSettleWhenItEnds(RunStep ending) {
        FleetLedger ledger = new FleetLedger(new InMemoryRunRecorder(), FleetBudgets.UNLIMITED);
        ledger.recordIntent(new RunEvent("run-a", 1, T0,
                new RunStep.TerminationIntent(GROUP, "api-0001", false, "run-a/1", Duration.ZERO)), fleet -> GuardrailDecision.ALLOWED);
        assertThat(ledger.busyGroups("run-b")).as("the kill is in flight while run-a goes on").containsExactly(GROUP);

        ledger.record(new RunEvent("run-a", 2, T0.plusSeconds(30), ending));

        assertThat(ledger.busyGroups("run-b")).as("after %s", ending.type()).isEmpty();
    }

    private static RunEvent intent(String run, long seq, GroupRef group, String instance) {
        return new RunEvent(run, seq, T0, new RunStep.TerminationIntent(group, instance, false, run + "-" + seq, Duration.ZERO));
    }

    /**
     * Budgets 3 an hour, 2 groups degraded. run-x already has 1 kill in flight in "other". A batch of 3 (api 2, web 1)
     * would make 4 in the hour: its third intent sees 1 + 2 = 3 already, the limit, and is refused — and then none of
     * the batch is recorded: the record is as before, and another run may still take the 2 kills left.
     */
    @org.junit.jupiter.api.Test
    void aBatchIsRecordedWholeOrNotAtAllAndEachIntentSeesTheBatchsEarlierOnes() {
        InMemoryRunRecorder kept = new InMemoryRunRecorder();
        FleetLedger ledger = new FleetLedger(kept, new FleetBudgets(3, 50, 2));
        GroupRef other = new GroupRef("sim", "region-1", "other");
        GroupRef web = new GroupRef("sim", "region-1", "web");
        ledger.recordIntent(intent("run-x", 1, other, "o-1"), fleet -> GuardrailDecision.ALLOWED);
        List<FleetView> seen = new java.util.ArrayList<>();
        IntentGuard budgets = fleet -> {
            seen.add(fleet);
            return fleet.terminationsLastHour() >= fleet.budgets().maxTerminationsPerHour()
                    ? new GuardrailDecision.Refused(RefusalReason.FLEET_BUDGET, "hour full at " + fleet.terminationsLastHour())
                    : GuardrailDecision.ALLOWED;
        };
        List<RunRecorder.GuardedIntent> batch = List.of(new RunRecorder.GuardedIntent(intent("run-z", 1, GROUP, "a-1"), budgets),
                new RunRecorder.GuardedIntent(intent("run-z", 2, GROUP, "a-2"), budgets),
                new RunRecorder.GuardedIntent(intent("run-z", 3, web, "w-1"), budgets));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ledger.recordIntents(batch))
                .isInstanceOf(TerminationClaimRefused.class).hasMessage("hour full at 3");

        // each intent saw the batch's earlier ones in flight and counted
        assertThat(seen).extracting(FleetView::terminationsLastHour).containsExactly(1, 2, 3);
        assertThat(seen.get(1).inFlight()).containsEntry("a-1", "run-z");
        assertThat(seen.get(2).degradedGroups()).containsExactlyInAnyOrder(other, GROUP);
        // nothing of it is on record: not in the run's events, not in flight
        assertThat(kept.events("run-z")).isEmpty();
        assertThat(ledger.busyGroups("run-y")).containsExactly(other);

        // the two intents that fit are recorded together, and then the hour is full for everyone
        ledger.recordIntents(batch.subList(0, 2));
        assertThat(kept.events("run-z")).hasSize(2);
        assertThat(ledger.busyGroups("run-y")).containsExactlyInAnyOrder(other, GROUP);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ledger.recordIntent(intent("run-y", 1, web, "w-1"), budgets))
                .isInstanceOf(TerminationClaimRefused.class).hasMessage("hour full at 3");
    }
}
