package dev.macaque.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything a run did, at one moment (final once {@link #state()} is terminal).
 *
 * @param runId         the run
 * @param experiment    the spec's name
 * @param state         where the run is
 * @param seed          the seed used (given in the spec or drawn by the runner)
 * @param dryRun        whether nothing was really terminated
 * @param createdAt     when the run was created
 * @param finishedAt    when it reached a terminal state, or {@code null}
 * @param failureReason why it FAILED or was ABORTED, or {@code null}
 * @param victims       the selected instances, in kill order
 * @param terminations  every termination attempted, in order
 * @param refusals      every victim a guardrail refused, in order
 * @param recoveries    one per group the run killed in, in the order of first kill
 * @param events        the complete, ordered event list
 * @param timeToSteady  with steady-state probes: from the run's first kill until every group was back and every probe
 *                      passed again; null without probes, without kills, or when that did not happen within
 *                      {@code recovery.timeout}
 */
public record RunResult(String runId, String experiment, RunState state, long seed, boolean dryRun, Instant createdAt,
                        Instant finishedAt, String failureReason, List<Victim> victims,
                        List<TerminationRecord> terminations, List<Refusal> refusals, List<GroupRecovery> recoveries,
                        List<RunEvent> events, Duration timeToSteady) {
    public RunResult(String runId, String experiment, RunState state, long seed, boolean dryRun, Instant createdAt,
                     Instant finishedAt, String failureReason, List<Victim> victims, List<TerminationRecord> terminations,
                     List<Refusal> refusals, List<GroupRecovery> recoveries, List<RunEvent> events) {
        this(runId, experiment, state, seed, dryRun, createdAt, finishedAt, failureReason, victims, terminations, refusals,
                recoveries, events, null);
    }

    public RunResult {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(state, "state");
        victims = List.copyOf(victims);
        terminations = List.copyOf(terminations);
        refusals = List.copyOf(refusals);
        recoveries = List.copyOf(recoveries);
        events = List.copyOf(events);
    }

    /** Groups that did not recover in time: the findings. */
    public List<GroupRecovery> notRecovered() {
        return recoveries.stream().filter(r -> r.status() == RecoveryStatus.NOT_RECOVERED).toList();
    }
}
