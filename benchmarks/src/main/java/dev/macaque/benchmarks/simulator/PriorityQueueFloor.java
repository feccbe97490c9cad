package dev.macaque.benchmarks.simulator;

import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The floor for any heap-ordered simulator: a bare {@link PriorityQueue} of timestamped events holding as many
 * pending events as the world does; each step pops the earliest and pushes a new one a random delay later.
 */
public final class PriorityQueueFloor {
    private final PriorityQueue<Event> queue;
    private final SplittableRandom random;
    private final long meanDelayNanos;
    private long nextSeq;

    /** An event: time, then insertion sequence, as the world orders its own. */
    record Event(long time, long seq) implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(time, other.time);
            return byTime != 0 ? byTime : Long.compare(seq, other.seq);
        }
    }

    public PriorityQueueFloor(long seed, int pending, long meanDelayNanos) {
        this.random = new SplittableRandom(seed);
        this.meanDelayNanos = meanDelayNanos;
        this.queue = new PriorityQueue<>(Math.max(1, pending));
        for (int i = 0; i < pending; i++) {
            queue.add(new Event(random.nextLong(2 * meanDelayNanos), nextSeq++));
        }
    }

    /** Pops and pushes {@code events} times; returns the last popped time. */
    public long fire(int events) {
        long time = 0;
        for (int i = 0; i < events; i++) {
            Event next = queue.poll();
            time = next.time();
            queue.add(new Event(time + random.nextLong(2 * meanDelayNanos), nextSeq++));
        }
        return time;
    }

    public int pending() {
        return queue.size();
    }
}
