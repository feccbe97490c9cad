package dev.macaque.simulated.events;

import java.util.Arrays;

/**
 * A binary min-heap of {@link SimEvent}s ordered by (time, insertion sequence). The sequence counter belongs to the
 * queue (never a JVM-wide static), so two worlds in one JVM order their ties identically. Events keep their heap
 * index, so cancelling is O(log n) and leaves no garbage in the heap.
 */
public final class EventQueue {
    // The keys live in arrays beside the events, so sifting compares without touching the event objects.
    private SimEvent[] heap = new SimEvent[64];
    private long[] times = new long[64];
    private long[] seqs = new long[64];
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
        return size == 0 ? Long.MAX_VALUE : times[0];
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
        long seq = nextSeq++;
        event.time = time;
        if (size == heap.length) {
            int n = size * 2;
            heap = Arrays.copyOf(heap, n);
            times = Arrays.copyOf(times, n);
            seqs = Arrays.copyOf(seqs, n);
        }
        siftUp(size++, event, time, seq);
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
        if (size == 0 || times[0] > until) {
            return false;
        }
        SimEvent event = heap[0];
        now = times[0];
        removeAt(0);
        event.dispatch();
        return true;
    }

    /** Moves virtual time forward to {@code time} without firing anything; no event may be due before it. */
    public void advanceTo(long time) {
        if (time < now) {
            throw new IllegalArgumentException("time cannot go back: " + time + "ns < now " + now + "ns");
        }
        if (size > 0 && times[0] < time) {
            throw new IllegalStateException("an event is due at " + times[0] + "ns, before " + time + "ns");
        }
        now = time;
    }

    private void removeAt(int index) {
        SimEvent removed = heap[index];
        int last = --size;
        if (index != last) {
            SimEvent moved = heap[last];
            long time = times[last];
            long seq = seqs[last];
            heap[last] = null;
            int to = siftDown(index, moved, time, seq);
            if (to == index && index > 0) {
                siftUp(index, moved, time, seq);
            }
        } else {
            heap[last] = null;
        }
        removed.heapIndex = -1;
    }

    private static boolean before(long timeA, long seqA, long timeB, long seqB) {
        return timeA < timeB || (timeA == timeB && seqA < seqB);
    }

    /** Places {@code event} with its keys at {@code index} or above, moving larger parents down. */
    private void siftUp(int index, SimEvent event, long time, long seq) {
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            if (!before(time, seq, times[parent], seqs[parent])) {
                break;
            }
            place(index, heap[parent], times[parent], seqs[parent]);
            index = parent;
        }
        place(index, event, time, seq);
    }

    /** Places {@code event} with its keys at {@code index} or below, moving smaller children up; returns where. */
    private int siftDown(int index, SimEvent event, long time, long seq) {
        int half = size >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            int right = child + 1;
            if (right < size && before(times[right], seqs[right], times[child], seqs[child])) {
                child = right;
            }
            if (!before(times[child], seqs[child], time, seq)) {
                break;
            }
            place(index, heap[child], times[child], seqs[child]);
            index = child;
        }
        place(index, event, time, seq);
        return index;
    }

    private void place(int index, SimEvent event, long time, long seq) {
        heap[index] = event;
        times[index] = time;
        seqs[index] = seq;
        event.heapIndex = index;
    }
}
