package dev.macaque.engine;

/**
 * Where a run is: {@code PENDING → RUNNING → VERIFYING → COMPLETED | FAILED | ABORTED | NOT_STEADY | HALTED}.
 */
public enum RunState {
    /** Created, nothing done yet. */
    PENDING,
    /** Discovering groups, selecting victims, terminating. */
    RUNNING,
    /** Watching the affected groups recover. */
    VERIFYING,
    /**
     * The run did what it set out to do. Groups that did not recover, refused and failed terminations are findings
     * in the result, not a failure of the run.
     */
    COMPLETED,
    /** The run itself could not proceed (e.g. discovery failed, an unknown provider was named). */
    FAILED,
    /** Stopped on request; no termination is made after the abort. */
    ABORTED,
    /** A steady-state probe failed before the first kill: nothing was terminated. */
    NOT_STEADY,
    /** A probe failed {@code tolerance} times in a row during the run: no termination after the halt. */
    HALTED;

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == ABORTED || this == NOT_STEADY || this == HALTED;
    }
}
