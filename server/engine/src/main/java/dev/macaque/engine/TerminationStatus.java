package dev.macaque.engine;

/** How an attempted termination ended. */
public enum TerminationStatus {
    /** Intent recorded, provider call not finished yet. */
    IN_PROGRESS,
    /** The provider terminated the instance. */
    TERMINATED,
    /** The instance was already terminating or gone (e.g. an earlier attempt of ours went through). */
    ALREADY_TERMINATED,
    /** Dry run: the provider validated the termination without acting. */
    WOULD_TERMINATE,
    /** The provider refused or failed, after any retries. */
    FAILED,
    /** The run was aborted while the termination waited for a retry. */
    ABANDONED;

    /** Whether the instance is gone because of this run (recovery is verified for its group). */
    public boolean killed() {
        return this == TERMINATED || this == ALREADY_TERMINATED;
    }
}
