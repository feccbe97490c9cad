package dev.macaque.chaosmonkey;

/** Where a scheduled decision stands. */
public enum DecisionState {
    /** A node holds it (lease) and is about to start its run. */
    CLAIMED,
    /** The outage check failed; retried at the next poll while the window lasts. */
    POSTPONED,
    /** Its run was started (the run's own record says what happened). */
    STARTED,
    /** Its window had passed before any node could execute it (e.g. every server was down): never fired late. */
    SKIPPED_MISSED_WINDOW,
    /** The kill switch was engaged at the planned time. */
    SKIPPED_KILL_SWITCH,
    /** The outage check kept failing until the window ended. */
    SKIPPED_OUTAGE,
    /** The schedule was disabled or deleted before the decision was executed. */
    SKIPPED_SCHEDULE_DISABLED,
    /** The run could not be started. */
    FAILED;

    public boolean isFinal() {
        return this != CLAIMED && this != POSTPONED;
    }
}
