package dev.macaque.simulated;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A group's finished recovery episodes as primitive columns (start, end, healthy before), grown as they happen;
 * {@link RecoveryEpisode} records are made only when asked for.
 */
final class EpisodeLog {
    private static final long[] NO_TIMES = {};
    private static final int[] NO_COUNTS = {};

    private long[] starts = NO_TIMES;
    private long[] ends = NO_TIMES;
    private int[] targets = NO_COUNTS;
    private int size;

    void add(long startNanos, long endNanos, int healthyBefore) {
        if (size == starts.length) {
            int n = Math.max(4, size * 2);
            starts = Arrays.copyOf(starts, n);
            ends = Arrays.copyOf(ends, n);
            targets = Arrays.copyOf(targets, n);
        }
        starts[size] = startNanos;
        ends[size] = endNanos;
        targets[size] = healthyBefore;
        size++;
    }

    int size() {
        return size;
    }

    /** Appends the episodes of {@code group} to {@code out}, in order. */
    void addTo(String group, List<RecoveryEpisode> out) {
        for (int i = 0; i < size; i++) {
            out.add(new RecoveryEpisode(group, Duration.ofNanos(starts[i]), Optional.of(Duration.ofNanos(ends[i])), targets[i]));
        }
    }
}
