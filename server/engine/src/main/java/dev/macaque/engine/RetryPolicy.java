package dev.macaque.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Bounded retries with exponential backoff, the one policy of the engine's provider calls and the server's webhook
 * deliveries: retryable errors are retried with exponential backoff and "equal jitter": before attempt
 * {@code n+1} the engine waits a random time in [b/2, b] where {@code b = min(maxBackoff, initialBackoff * 2^(n-1))},
 * and never less than the cloud's own retry-after hint.
 *
 * @param maxAttempts    calls in total, the first included (>= 1)
 * @param initialBackoff the backoff bound before the second attempt
 * @param maxBackoff     the cap on the bound
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    /** 4 attempts, 1s then 2s then 4s bounds, capped at 30s. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(30));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 < initialBackoff <= maxBackoff, was " + initialBackoff + " and " + maxBackoff);
        }
    }

    /** The wait before the attempt after {@code failedAttempt} (1-based), drawn from {@code random}. */
    public Duration backoff(int failedAttempt, Duration retryAfterHint, SplittableRandom random) {
        long bound = bound(failedAttempt).toMillis();
        long half = bound / 2;
        long millis = half + random.nextLong(bound - half + 1);
        Duration delay = Duration.ofMillis(millis);
        return retryAfterHint != null && retryAfterHint.compareTo(delay) > 0 ? retryAfterHint : delay;
    }

    /** The upper bound of the wait after {@code failedAttempt}: {@code min(maxBackoff, initialBackoff * 2^(n-1))}. */
    public Duration bound(int failedAttempt) {
        long cap = maxBackoff.toMillis();
        long bound = initialBackoff.toMillis();
        for (int i = 1; i < failedAttempt && bound < cap; i++) {
            bound *= 2;
        }
        return Duration.ofMillis(Math.min(bound, cap));
    }
}
