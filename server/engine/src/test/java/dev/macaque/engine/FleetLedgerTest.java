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
}
