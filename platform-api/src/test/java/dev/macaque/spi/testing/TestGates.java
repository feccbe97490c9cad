package dev.macaque.spi.testing;

import dev.macaque.spi.CallGate;
import dev.macaque.spi.ProviderException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/** {@link CallGate}s for provider tests: one that counts what passes, one that admits a fixed number per window. */
public final class TestGates {
    private TestGates() {
    }

    /** Admits every request at once and records the operation each was for, in order of arrival. */
    public static final class Counting implements CallGate {
        private final ConcurrentLinkedQueue<String> passed = new ConcurrentLinkedQueue<>();

        @Override
        public void acquire(String operation) {
            passed.add(operation);
        }

        public List<String> passed() {
            return List.copyOf(passed);
        }

        public int count() {
            return passed.size();
        }

        public void reset() {
            passed.clear();
        }
    }

    /**
     * Admits at most {@code permits} requests per window of {@code window}, windows back to back from the first
     * request; a request beyond them waits for the next window. In any one second at most
     * {@code permits * (ceil(1s / window) + 1)} requests pass (a second touches that many windows at most).
     */
    public static final class FixedWindow implements CallGate {
        private final int permits;
        private final long windowNanos;
        private long windowStart = -1;
        private int used;
        private int waited;

        public FixedWindow(int permits, Duration window) {
            this.permits = permits;
            this.windowNanos = window.toNanos();
        }

        @Override
        public synchronized void acquire(String operation) {
            long now = System.nanoTime();
            if (windowStart < 0) {
                windowStart = now;
            }
            while (true) {
                long elapsed = now - windowStart;
                if (elapsed >= windowNanos) {
                    windowStart += (elapsed / windowNanos) * windowNanos;
                    used = 0;
                }
                if (used < permits) {
                    used++;
                    return;
                }
                waited++;
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, windowStart + windowNanos - now);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ProviderException(ProviderException.Kind.THROTTLED, operation + ": interrupted waiting");
                }
                now = System.nanoTime();
            }
        }

        /**
         * The most requests an endpoint may receive in any one second, when the time from the gate to the endpoint
         * varies by up to {@code transitJitter}: requests admitted in every window an interval of one second plus the
         * jitter can touch.
         */
        public int perSecondBound(Duration transitJitter) {
            long span = TimeUnit.SECONDS.toNanos(1) + transitJitter.toNanos();
            long windowsTouched = (span + windowNanos - 1) / windowNanos + 1;
            return (int) (permits * windowsTouched);
        }

        /** How many times a request had to wait for a window. */
        public synchronized int waited() {
            return waited;
        }
    }

    /** The most of {@code sortedMillis} (arrival times in milliseconds, ascending) that fall within one second. */
    public static int worstSecond(List<Long> sortedMillis) {
        int worst = 0;
        for (int i = 0, j = 0; i < sortedMillis.size(); i++) {
            while (j < sortedMillis.size() && sortedMillis.get(j) - sortedMillis.get(i) < 1_000) {
                j++;
            }
            worst = Math.max(worst, j - i);
        }
        return worst;
    }
}
