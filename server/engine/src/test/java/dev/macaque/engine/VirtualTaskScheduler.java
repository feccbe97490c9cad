package dev.macaque.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A deterministic scheduler in virtual time: tasks run on the caller's thread, in (due time, insertion order), and
 * time jumps to each task's due time as it is taken. Nothing sleeps. Not thread-safe: one simulation, one thread.
 */
public final class VirtualTaskScheduler implements TaskScheduler {
    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private final VirtualClock clock;
    private long nextSeq;
    private long executed;

    public VirtualTaskScheduler(Instant start) {
        this.clock = new VirtualClock(Objects.requireNonNull(start, "start"), ZoneOffset.UTC);
    }

    private static final class Entry implements Comparable<Entry>, Cancellable {
        final Instant due;
        final long seq;
        final Runnable task;
        boolean cancelled;

        Entry(Instant due, long seq, Runnable task) {
            this.due = due;
            this.seq = seq;
            this.task = task;
        }

        @Override
        public int compareTo(Entry other) {
            int byTime = due.compareTo(other.due);
            return byTime != 0 ? byTime : Long.compare(seq, other.seq);
        }

        @Override
        public boolean cancel() {
            boolean wasPending = !cancelled;
            cancelled = true;
            return wasPending;
        }
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(task, "task");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("cannot schedule a task in the past: delay " + delay);
        }
        Entry entry = new Entry(clock.now.plus(delay), nextSeq++, task);
        queue.add(entry);
        return () -> {
            boolean cancelled = entry.cancel();
            queue.remove(entry);
            return cancelled;
        };
    }

    /** Runs the earliest pending task (advancing time to it); returns false when nothing is pending. */
    public boolean runNext() {
        Entry entry = queue.poll();
        if (entry == null) {
            return false;
        }
        clock.now = entry.due;
        entry.cancelled = true;
        executed++;
        entry.task.run();
        return true;
    }

    /** Runs every task due at or before {@code until} (including ones they schedule), then sets the time to it. */
    public void runUntil(Instant until) {
        if (until.isBefore(clock.now)) {
            throw new IllegalArgumentException("cannot run backwards in time from " + clock.now + " to " + until);
        }
        while (!queue.isEmpty() && !queue.peek().due.isAfter(until)) {
            runNext();
        }
        clock.now = until;
    }

    /** Runs {@code duration} of virtual time; see {@link #runUntil}. */
    public void runFor(Duration duration) {
        runUntil(clock.now.plus(duration));
    }

    /**
     * Runs tasks until none is pending.
     *
     * @throws IllegalStateException after {@code maxTasks} tasks, to stop a task that reschedules itself forever
     */
    public void runUntilIdle(long maxTasks) {
        long limit = executed + maxTasks;
        while (runNext()) {
            if (executed >= limit && !queue.isEmpty()) {
                throw new IllegalStateException("still busy after " + maxTasks + " tasks at " + clock.now
                        + "; " + queue.size() + " pending");
            }
        }
    }

    /** {@link #runUntilIdle(long)} with a limit of one million tasks. */
    public void runUntilIdle() {
        runUntilIdle(1_000_000);
    }

    public int pendingTasks() {
        return queue.size();
    }

    public long executedTasks() {
        return executed;
    }

    private static final class VirtualClock extends Clock {
        private Instant now;
        private final ZoneId zone;

        VirtualClock(Instant now, ZoneId zone) {
            this.now = now;
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId other) {
            // A view in another zone shares this clock's time by delegation.
            VirtualClock outer = this;
            return new Clock() {
                @Override
                public ZoneId getZone() {
                    return other;
                }

                @Override
                public Clock withZone(ZoneId zone) {
                    return outer.withZone(zone);
                }

                @Override
                public Instant instant() {
                    return outer.now;
                }
            };
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
