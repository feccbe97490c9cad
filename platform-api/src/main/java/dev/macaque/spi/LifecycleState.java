package dev.macaque.spi;

/** The life of a group member, mapped from each cloud's own states. */
public enum LifecycleState {
    /** Being created or booting; not yet serving. */
    PENDING,
    /** Running and part of the group's serving capacity. */
    IN_SERVICE,
    /** Stopped, deallocated, in standby or otherwise kept but not serving; it still counts as a member. */
    OUT_OF_SERVICE,
    /** Being terminated or deleted. */
    TERMINATING,
    /** Gone. */
    TERMINATED
}
