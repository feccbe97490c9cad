package dev.macaque.spi.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.spi.CallGate;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.ProviderException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@link CallGate}s for provider tests: one that counts what passes, one that admits a fixed number per window, one
 * that refuses chosen requests.
 */
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
     * Admits every request except those whose operation matches, which it refuses while refusing is on, as the
     * server's gate does when no permit came within its wait: {@code THROTTLED}, not retryable.
     */
    public static final class Refusing implements CallGate {
        private final Predicate<String> which;
        private final AtomicInteger refused = new AtomicInteger();
        private volatile boolean refusing = true;

        public Refusing(Predicate<String> which) {
            this.which = which;
        }

        @Override
        public void acquire(String operation) {
            if (refusing && which.test(operation)) {
                refused.incrementAndGet();
                throw new ProviderException(ProviderException.Kind.THROTTLED, operation
                        + ": no permit of the call budget within the wait", null, false, null);
            }
        }

        /** From now on every request is admitted. */
        public void admitAll() {
            refusing = false;
        }

        /** How many requests were refused. */
        public int refused() {
            return refused.get();
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

    /**
     * The call budget measured where the cloud counts it: {@code provider}, whose context's gate is {@code gate}
     * (4 requests per 400 ms), lists the whole fleet once alone, then 3 times on each of 4 threads at once; every
     * request must reach the endpoint ({@code arrivalsMillis}: when each request arrived there, starting empty), the
     * gate must have held some back, and no second may see more than the gate admits in a second plus 200 ms of transit
     * jitter (16).
     *
     * @param pages the listing's pages at least (each listing costs the same number of requests)
     */
    public static void assertBudgetHoldsAtTheEndpoint(String cloud, CloudProvider provider, FixedWindow gate, int groups,
                                                      int pages, Supplier<List<Long>> arrivalsMillis) throws Exception {
        assertThat(provider.listGroups(GroupFilter.ALL)).hasSize(groups);
        int perListing = arrivalsMillis.get().size();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> listings = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                listings.add(pool.submit(() -> {
                    int listed = 0;
                    for (int i = 0; i < 3; i++) {
                        listed = provider.listGroups(GroupFilter.ALL).size();
                    }
                    return listed;
                }));
            }
            for (Future<Integer> listing : listings) {
                assertThat(listing.get(60, TimeUnit.SECONDS)).isEqualTo(groups);
            }
        } finally {
            pool.shutdownNow();
        }
        List<Long> at = arrivalsMillis.get().stream().sorted().toList();
        int worst = worstSecond(at);
        int bound = gate.perSecondBound(Duration.ofMillis(200));
        System.out.printf("CALL-GATE %s requests=%d perListing=%d over=%dms worstSecond=%d bound=%d waits=%d%n", cloud,
                at.size(), perListing, at.get(at.size() - 1) - at.get(0), worst, bound, gate.waited());
        assertThat(perListing).as("requests per listing").isGreaterThanOrEqualTo(pages);
        assertThat(at).as("every listing's requests reached the endpoint").hasSize(13 * perListing);
        assertThat(gate.waited()).as("the gate held requests back").isPositive();
        assertThat(worst).as("requests in the busiest second at the endpoint").isLessThanOrEqualTo(bound);
    }

    /** 4 requests per 400 ms: 10 a second on average. */
    public static FixedWindow tenPerSecond() {
        return new FixedWindow(4, Duration.ofMillis(400));
    }
}
