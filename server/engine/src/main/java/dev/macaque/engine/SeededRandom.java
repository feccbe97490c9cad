package dev.macaque.engine;

import java.util.SplittableRandom;

/**
 * Named, independent random streams derived from one seed, so that adding a draw in one concern (say, retry
 * jitter) never shifts the draws of another (victim selection). The derivation is fixed: a stream depends only on
 * the seed and its name.
 */
public final class SeededRandom {
    private SeededRandom() {
    }

    /** The stream called {@code name} of {@code seed}. */
    public static SplittableRandom stream(long seed, String name) {
        long mixed = mix64(seed ^ mix64(fnv1a(name)));
        return new SplittableRandom(mixed);
    }

    private static long fnv1a(String text) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            hash ^= text.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** The SplitMix64 finaliser: a bijection that spreads nearby inputs far apart. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
