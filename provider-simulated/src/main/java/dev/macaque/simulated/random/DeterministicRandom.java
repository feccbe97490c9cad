package dev.macaque.simulated.random;

import java.nio.charset.StandardCharsets;

/**
 * A seeded SplitMix64 stream. Its output is fully specified by the seed (no JDK implementation detail), so a run
 * is reproducible on any machine. Child streams are derived from the seed and a name ({@link #child(String)}),
 * so adding a group to a world never shifts the random numbers another group sees.
 *
 * <p>Not thread-safe; a simulated world is single-threaded.
 */
public final class DeterministicRandom {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final long seed;
    private long state;

    public DeterministicRandom(long seed) {
        this.seed = seed;
        this.state = seed;
    }

    /** The seed this stream started from. */
    public long seed() {
        return seed;
    }

    /** A new independent stream derived from this stream's seed and {@code name} (not from its current position). */
    public DeterministicRandom child(String name) {
        return new DeterministicRandom(mix(seed ^ mix(fnv1a(name))));
    }

    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** Uniform in [0, 1), 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound), bound > 0, without modulo bias. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be > 0, was " + bound);
        }
        return (int) nextBelow(bound);
    }

    /** Uniform in [min, max] (both inclusive), 0 <= max - min < Long.MAX_VALUE. */
    public long nextLongBetween(long min, long max) {
        if (min > max || max - min == Long.MAX_VALUE || max - min < 0) {
            throw new IllegalArgumentException("bad range [" + min + ", " + max + "]");
        }
        return min + nextBelow(max - min + 1);
    }

    private long nextBelow(long bound) {
        long bits;
        long value;
        do {
            bits = nextLong() >>> 1;
            value = bits % bound;
        } while (bits - value + (bound - 1) < 0);
        return value;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long fnv1a(String name) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
