package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.engine.RecoveryStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunVerdictTest {
    private static final List<TerminationStatus> NONE = List.of();

    private static RunVerdict decide(RunState state, boolean dryRun, int selected, List<TerminationStatus> terminations,
            List<RefusalReason> refusals, Map<String, RecoveryStatus> recoveries) {
        return RunVerdict.decide(new RunVerdict.Outcome(state, dryRun, null, selected, terminations, refusals, recoveries));
    }

    @Test
    void aRunThatHasNotEndedHasNoVerdictYet() {
        assertThat(decide(RunState.VERIFYING, false, 1, List.of(TerminationStatus.TERMINATED), List.of(), Map.of())).isNull();
    }

    @Test
    void everyVictimTerminatedAndEveryGroupRecoveredPasses() {
        RunVerdict verdict = decide(RunState.COMPLETED, false, 2, List.of(TerminationStatus.TERMINATED, TerminationStatus.ALREADY_TERMINATED),
                List.of(), Map.of("sim/r/a", RecoveryStatus.RECOVERED, "sim/r/b", RecoveryStatus.RECOVERED));
        assertThat(verdict).isEqualTo(new RunVerdict(Verdict.PASSED, "2 victims terminated, 2 groups recovered"));
        assertThat(verdict.verdict().good()).isTrue();
    }

    @Test
    void aDryRunWhoseVictimsWouldAllHaveBeenTerminatedPasses() {
        assertThat(decide(RunState.COMPLETED, true, 1, List.of(TerminationStatus.WOULD_TERMINATE), List.of(),
                Map.of("sim/r/a", RecoveryStatus.SKIPPED)))
                .isEqualTo(new RunVerdict(Verdict.PASSED, "dry run: 1 victim would have been terminated"));
    }

    @Test
    void aKillSwitchThatRefusedEveryVictimKilledNothingAndIsNotGreen() {
        RunVerdict verdict = decide(RunState.COMPLETED, false, 3, NONE,
                List.of(RefusalReason.KILL_SWITCH, RefusalReason.KILL_SWITCH, RefusalReason.KILL_SWITCH), Map.of());
        assertThat(verdict).isEqualTo(new RunVerdict(Verdict.NOTHING_KILLED, "all 3 victims were refused (kill switch: 3)"));
        assertThat(verdict.verdict().good()).isFalse();
    }

    @Test
    void refusalsAndAProviderFailureWithoutAnyKillAreNothingKilledWithBothCounted() {
        assertThat(decide(RunState.COMPLETED, false, 3, List.of(TerminationStatus.FAILED),
                List.of(RefusalReason.MIN_HEALTHY, RefusalReason.GROUP_BUSY), Map.of()))
                .isEqualTo(new RunVerdict(Verdict.NOTHING_KILLED, "none of 3 victims was terminated: 2 refused "
                        + "(min healthy: 1, group busy: 1), 1 not terminated (provider failure or abandoned)"));
    }

    @Test
    void noVictimSelectedKilledNothing() {
        assertThat(decide(RunState.COMPLETED, false, 0, NONE, List.of(), Map.of()))
                .isEqualTo(new RunVerdict(Verdict.NOTHING_KILLED, "no victim was selected"));
    }

    @Test
    void someRefusedTheRestTerminatedAndRecoveredIsPartial() {
        assertThat(decide(RunState.COMPLETED, false, 3, List.of(TerminationStatus.TERMINATED, TerminationStatus.TERMINATED),
                List.of(RefusalReason.MAX_TERMINATIONS), Map.of("sim/r/a", RecoveryStatus.RECOVERED)))
                .isEqualTo(new RunVerdict(Verdict.PARTIAL, "2 of 3 victims terminated, 1 group recovered; 1 refused (max terminations: 1)"));
    }

    @Test
    void aGroupThatDidNotRecoverIsAFindingEvenWhenOthersWereRefused() {
        Map<String, RecoveryStatus> recoveries = new LinkedHashMap<>();
        recoveries.put("sim/r/b", RecoveryStatus.NOT_RECOVERED);
        recoveries.put("sim/r/a", RecoveryStatus.RECOVERED);
        assertThat(decide(RunState.COMPLETED, false, 3, List.of(TerminationStatus.TERMINATED, TerminationStatus.TERMINATED),
                List.of(RefusalReason.KILL_SWITCH), recoveries))
                .isEqualTo(new RunVerdict(Verdict.FINDING, "1 group of 2 did not recover: sim/r/b"));
    }

    @Test
    void notSteadyAndHaltedAreFindingsFailedAndAbortedTheirOwn() {
        assertThat(RunVerdict.decide(new RunVerdict.Outcome(RunState.NOT_STEADY, false, "probe api failed", 0, NONE, List.of(), Map.of())))
                .isEqualTo(new RunVerdict(Verdict.FINDING, "not steady before the first kill, nothing was terminated: probe api failed"));
        assertThat(RunVerdict.decide(new RunVerdict.Outcome(RunState.HALTED, false, "probe api failed 3 times", 2,
                List.of(TerminationStatus.TERMINATED), List.of(), Map.of())).verdict()).isEqualTo(Verdict.FINDING);
        assertThat(RunVerdict.decide(new RunVerdict.Outcome(RunState.HALTED, false, null, 2,
                List.of(TerminationStatus.TERMINATED), List.of(), Map.of())).reason()).isEqualTo("halted by a failing probe after 1 termination");
        assertThat(RunVerdict.decide(new RunVerdict.Outcome(RunState.FAILED, false, "discovery failed", 0, NONE, List.of(), Map.of())))
                .isEqualTo(new RunVerdict(Verdict.FAILED, "the run failed: discovery failed"));
        assertThat(RunVerdict.decide(new RunVerdict.Outcome(RunState.ABORTED, false, "stop", 2,
                List.of(TerminationStatus.TERMINATED, TerminationStatus.ABANDONED), List.of(), Map.of())))
                .isEqualTo(new RunVerdict(Verdict.ABORTED, "aborted after 1 termination: stop"));
    }
}
