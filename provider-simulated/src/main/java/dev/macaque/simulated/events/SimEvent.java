package dev.macaque.simulated.events;

/**
 * Something that happens at one virtual instant. Subclasses say what in {@link #fire()}. An event object may be
 * scheduled again after it fired (instances reuse one object for their next transition), so the hot path does not
 * allocate.
 *
 * <p>Order is total: by time, then by the sequence number the queue assigned when the event was scheduled (kept by
 * the queue beside the event).
 */
public abstract class SimEvent {
    long time;
    // The insertion sequence lives in the queue's key array only: one long less per event object (millions of
    // instances at a million groups).
    int heapIndex = -1;

    /** The virtual time (nanoseconds since the world's start) this event is scheduled for. */
    public final long time() {
        return time;
    }

    /** Whether it is waiting in a queue. */
    public final boolean isScheduled() {
        return heapIndex >= 0;
    }

    /** Runs the event; called by the world with virtual time already set to {@link #time()}. */
    protected abstract void fire();

    /** Package-private hook so the queue's runner can fire events without exposing {@link #fire()}. */
    final void dispatch() {
        fire();
    }
}
