package dev.macaque.engine;

/** A scheduled task that may still be cancelled. */
@FunctionalInterface
public interface Cancellable {
    /** Prevents the task from running if it has not started; returns whether this call cancelled it. */
    boolean cancel();
}
