package dev.macaque.provider.gcp;

import dev.macaque.spi.ProviderException;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Retries a Compute call that was throttled, a bounded number of times, with exponential backoff and jitter.
 * The Compute client retries neither 429 nor 403 {@code rateLimitExceeded}; every other failure passes through.
 */
final class ThrottleRetry {

    /** Waits between attempts; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final int maxAttempts;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final Random random;
    private final Sleeper sleeper;

    ThrottleRetry(int maxAttempts, Duration baseDelay, Duration maxDelay, Random random, Sleeper sleeper) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.baseDelay = Objects.requireNonNull(baseDelay, "baseDelay");
        this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay");
        this.random = Objects.requireNonNull(random, "random");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    static ThrottleRetry production(int maxAttempts) {
        return new ThrottleRetry(maxAttempts, Duration.ofSeconds(1), Duration.ofSeconds(30), new Random(),
                duration -> Thread.sleep(duration.toMillis()));
    }

    /** Runs {@code call}; its failures are translated, and throttling is retried. */
    <T> T call(String what, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                ProviderException failure = ComputeErrors.translate(e, what);
                if (failure.kind() != ProviderException.Kind.THROTTLED) {
                    throw failure;
                }
                if (attempt >= maxAttempts) {
                    throw new ProviderException(ProviderException.Kind.THROTTLED, failure.getMessage()
                            + "; still throttled after " + attempt + " attempt(s)", failure.getCause(), true,
                            failure.retryAfter().orElse(null));
                }
                Duration delay = delayBefore(attempt + 1);
                // honour the server's Retry-After when it asks for longer, within our own cap
                Duration asked = failure.retryAfter().orElse(Duration.ZERO);
                if (asked.compareTo(delay) > 0) {
                    delay = asked.compareTo(maxDelay) > 0 ? maxDelay : asked;
                }
                sleep(delay, what);
            }
        }
    }

    /** Equal jitter: half the exponential delay fixed, half random, so retries spread out but always back off. */
    Duration delayBefore(int attempt) {
        long exponential = baseDelay.toMillis() << Math.min(attempt - 2, 20);
        long capped = Math.min(exponential, maxDelay.toMillis());
        long half = capped / 2;
        long jitter;
        synchronized (random) {
            jitter = half == 0 ? 0 : (long) (random.nextDouble() * (capped - half + 1));
        }
        return Duration.ofMillis(half + jitter);
    }

    private void sleep(Duration delay, String what) {
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(ProviderException.Kind.TRANSIENT, what + ": interrupted while backing off", e);
        }
    }
}
