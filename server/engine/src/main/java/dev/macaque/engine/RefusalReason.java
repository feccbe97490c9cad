package dev.macaque.engine;

/** Why a guardrail refused a termination; stable codes for events, reports and the API. */
public enum RefusalReason {
    /** The global kill switch is engaged. */
    KILL_SWITCH,
    /** The group is not opted in ({@code macaque-enabled=true} missing). */
    NOT_OPTED_IN,
    /** The run already made {@code maxTerminations} terminations (real or, in a dry run, would-be). */
    MAX_TERMINATIONS,
    /** The group was killed less than {@code minTimeBetweenKills} ago (by this or another run). */
    MIN_TIME_BETWEEN_KILLS,
    /** The kill would take the group's last healthy instance; always on. */
    LAST_HEALTHY_INSTANCE,
    /** The kill would leave fewer healthy instances than {@code minHealthyPercent} or {@code minHealthyInstances}. */
    MIN_HEALTHY,
    /** Another run is acting on the group or it is still recovering from one (the run is not {@code shared}). */
    GROUP_BUSY,
    /** A fleet-wide budget of the configuration ({@code safety.*}) would be exceeded. */
    FLEET_BUDGET,
    /** The victim is no longer a healthy in-service member of its group when the kill is decided. */
    VICTIM_GONE,
    /** The group could not be read right before the kill, so nothing is decided on stale data. */
    GROUP_UNREADABLE,
    /** The group, as read right before the kill, is outside the run's team scope ({@code targets.scope}). */
    OUT_OF_SCOPE,
    /** A server-wide stop condition ({@code safety.stopConditions}) is failing: all chaos is held until it passes. */
    STOP_CONDITION_FAILING
}
