package dev.macaque.simulated.events;

import java.util.Arrays;

/**
 * A binary min-heap of {@link SimEvent}s ordered by (time, insertion sequence). The sequence counter belongs to the
 * queue (never a JVM-wide static), so two worlds in one JVM order their ties identically. Events keep their heap
 * index, so cancelling is O(log n) and leaves no garbage in the heap.
 */
public final class EventQueue {
    private SimEvent[] heap = new SimEvent[64];
    private int size;
    private long nextSeq;
    private long now;

    /** The current virtual time: the time of the last event taken, or what {@link #advanceTo(long)} set. */
    public long now() {
        return now;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** How many events have been scheduled so far (also the next sequence number). */
    public long scheduledCount() {
        return nextSeq;
    }

    /** Time of the next event, or {@link Long#MAX_VALUE} when none is waiting. */
    public long peekTime() {
        return size == 0 ? Long.MAX_VALUE : heap[0].time;
    }

    /**
     * Schedules {@code event} at {@code time}, or moves it there (with a new sequence number) when it is already
     * waiting.
     *
     * @throws IllegalArgumentException when {@code time} is before {@link #now()}
     */
    public void schedule(SimEvent event, long time) {
        if (time < now) {
            throw new IllegalArgumentException("cannot schedule an event at " + time + "ns, before now (" + now + "ns)");
        }
        if (event.heapIndex >= 0) {
            removeAt(event.heapIndex);
        }
        event.time = time;
        event.seq = nextSeq++;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = event;
        event.heapIndex = size;
        size++;
        siftUp(size - 1);
    }

    /** Removes {@code event} if it is waiting; returns whether it was. */
    public boolean cancel(SimEvent event) {
        int index = event.heapIndex;
        if (index < 0 || index >= size || heap[index] != event) {
            return false;
        }
        removeAt(index);
        return true;
    }

    /**
     * Takes the next event if it is due at or before {@code until}, sets {@link #now()} to its time and fires it.
     *
     * @return whether an event was fired
     */
    public boolean fireNext(long until) {
        if (size == 0 || heap[0].time > until) {
            return false;
        }
        SimEvent event = heap[0];
        removeAt(0);
        now = event.time;
        event.dispatch();
        return true;
    }

    /** Moves virtual time forward to {@code time} without firing anything; no event may be due before it. */
    public void advanceTo(long time) {
        if (time < now) {
            throw new IllegalArgumentException("time cannot go back: " + time + "ns < now " + now + "ns");
        }
        if (size > 0 && heap[0].time < time) {
            throw new IllegalStateException("an event is due at " + heap[0].time + "ns, before " + time + "ns");
        }
        now = time;
    }

    private void removeAt(int index) {
        SimEvent removed = heap[index];
        size--;
        if (index != size) {
            SimEvent last = heap[size];
            heap[index] = last;
            last.heapIndex = index;
            heap[size] = null;
            siftDown(index);
            if (heap[index] == last) {
                siftUp(index);
            }
        } else {
            heap[size] = null;
        }
        removed.heapIndex = -1;
    }

    private static boolean before(SimEvent a, SimEvent b) {
        return a.time < b.time || (a.time == b.time && a.seq < b.seq);
    }

    private void siftUp(int index) {
        SimEvent event = heap[index];
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            SimEvent p = heap[parent];
            if (!before(event, p)) {
                break;
            }
            heap[index] = p;
            p.heapIndex = index;
            index = parent;
        }
        heap[index] = event;
        event.heapIndex = index;
    }

    private void siftDown(int index) {
        SimEvent event = heap[index];
        int half = size >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            int right = child + 1;
            if (right < size && before(heap[right], heap[child])) {
                child = right;
            }
            if (!before(heap[child], event)) {
                break;
            }
            heap[index] = heap[child];
            heap[index].heapIndex = index;
            index = child;
        }
        heap[index] = event;
        event.heapIndex = index;
    }
}
