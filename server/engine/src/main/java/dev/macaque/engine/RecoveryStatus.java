package dev.macaque.engine;

/** Whether a group that lost instances came back. */
public enum RecoveryStatus {
    /** Verification still going on. */
    PENDING,
    /** Back to its pre-kill healthy in-service count within {@code recovery.timeout}. */
    RECOVERED,
    /** Not back within {@code recovery.timeout}: the finding a team needs to see. */
    NOT_RECOVERED,
    /** Not verified: a dry run, or the run was aborted. */
    SKIPPED
}
