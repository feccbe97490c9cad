package dev.macaque.engine;

/** Every step a run records. */
public enum RunEventType {
    RUN_CREATED,
    RUN_STARTED,
    /** A provider call failed with a retryable error and will be tried again after a backoff. */
    PROVIDER_CALL_RETRY,
    /** A group was left out of the candidates for a reason worth telling (invalid weight, vanished). */
    GROUP_SKIPPED,
    /** A provider could not list its groups; the run went on without it (its targets did not name it). */
    PROVIDER_UNAVAILABLE,
    GROUPS_DISCOVERED,
    /** A zone outage's zone, with the groups its guardrails spare whole. */
    ZONE_SELECTED,
    VICTIMS_SELECTED,
    TERMINATION_REFUSED,
    /** Recorded (and stored) before the provider is asked to terminate. */
    TERMINATION_INTENT,
    TERMINATION_OUTCOME,
    TERMINATION_FAILED,
    /** An intended termination that was waiting to be retried when the run was aborted. */
    TERMINATION_ABANDONED,
    /**
     * A termination whose outcome a crash left unknown, checked against its provider after the restart (never by
     * terminating again): TERMINATED, NOT_TERMINATED, or UNKNOWN while the provider cannot answer (asked again later).
     */
    TERMINATION_RECONCILED,
    VERIFICATION_STARTED,
    HEALTH_CHECKED,
    HEALTH_CHECK_FAILED,
    GROUP_RECOVERED,
    GROUP_NOT_RECOVERED,
    /** One evaluation of one steady-state probe (before the first kill, during the run, or while verifying). */
    PROBE_EVALUATED,
    /** After the last kill, every probe passes again and every group is back. */
    STEADY_AGAIN,
    RUN_COMPLETED,
    RUN_FAILED,
    RUN_ABORTED,
    /** A probe failed before the first kill: the run ends with nothing terminated. */
    RUN_NOT_STEADY,
    /** A probe failed {@code tolerance} times in a row: the run stops, no further termination. */
    RUN_HALTED
}
