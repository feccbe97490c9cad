package dev.macaque.engine;

/**
 * What a finished run means, in one word: the answer a person (and a script) needs before any detail. Only {@link
 * #PASSED} is good news; {@link RunVerdict} says why a run got its verdict.
 */
public enum Verdict {
    /** Every selected victim was terminated (in a dry run: would have been) and every group recovered. */
    PASSED,
    /** Some victims were refused or not terminated; the rest were terminated and recovered. */
    PARTIAL,
    /** The run terminated nothing: every victim was refused or failed, or none was selected. */
    NOTHING_KILLED,
    /** A group did not recover, a steady-state probe failed before the first kill, or a probe halted the run. */
    FINDING,
    /** The run itself could not proceed. */
    FAILED,
    /** Stopped on request. */
    ABORTED;

    /** Whether this verdict is shown as success (green). Only {@link #PASSED} is. */
    public boolean good() {
        return this == PASSED;
    }
}
